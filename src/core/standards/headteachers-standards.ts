import type { StandardsFramework } from './framework.ts';

/**
 * Headings of the DfE Headteachers' Standards (2020), which 003 §7.2.1 names but no seed prints;
 * only the ten headings are carried, which is what the reflection asks about.
 */
export const HEADTEACHERS_STANDARDS: StandardsFramework = {
  set: 'headteachers-standards',
  title: 'Headteachers’ Standards',
  source: '003 §7.2.1 (DfE Headteachers’ Standards 2020)',
  standards: [
    ['ht1', 'Culture and ethos', '1 School culture'],
    ['ht2', 'Culture and ethos', '2 Teaching'],
    ['ht3', 'Culture and ethos', '3 Curriculum and assessment'],
    ['ht4', 'Culture and ethos', '4 Behaviour'],
    ['ht5', 'Culture and ethos', '5 Additional and special educational needs and disabilities'],
    ['ht6', 'Culture and ethos', '6 Professional development'],
    ['ht7', 'Organisation and management', '7 Organisational management'],
    ['ht8', 'Organisation and management', '8 Continuous school improvement'],
    ['ht9', 'Organisation and management', '9 Working in partnership'],
    ['ht10', 'Organisation and management', '10 Governance and accountability'],
  ].map(([id, part, heading]) => ({ id: id!, part, short: `Standard ${id!.slice(2)}`, heading: heading!, points: [] })),
};
