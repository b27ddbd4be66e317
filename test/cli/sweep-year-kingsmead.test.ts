import { describeSchoolYear } from '../core/reminders/support/school-year-suite.ts';

// The kingsmead preset (001) swept through 2026/27: one digest a day at most, school days only, exactly as planned.
describeSchoolYear('kingsmead');
