// Teams cannot take a file from a bot without asking first, so the governors' report (002 §37) is
// named in the message with the command an administrator runs for the same files.
import { describe, expect, it } from 'vitest';
import { renderFile, renderMessage } from '../../../src/channels/teams/adaptive-cards.ts';

describe('the governors’ report in Teams (002 §37)', () => {
  it('002 §37: the PDF is named with `trellis report governors` for the school and year, not the personal export', () => {
    const attachment = { filename: 'governors-report-oak-2026.pdf', contentType: 'application/pdf', content: 'JVBERi0=', encoding: 'base64' as const, fromCli: 'trellis report governors --school oak --year 2026' };
    const [activity] = renderMessage({ type: 'text', text: 'The annual report to governors.', attachment }, undefined);
    expect(activity?.text).toContain('📎 governors-report-oak-2026.pdf');
    expect(activity?.text).toContain('trellis report governors --school oak --year 2026');
    expect(activity?.text).not.toContain('trellis export person');
  });

  it('002 §37: sent as the turn flow’s file effect, the same note stands on its own after the message', () => {
    const attachment = { filename: 'governors-report-oak-2026.pdf', contentType: 'application/pdf', content: 'JVBERi0=', encoding: 'base64' as const, fromCli: 'trellis report governors --school oak --year 2026' };
    const [inMessage] = renderMessage({ type: 'text', text: 'The annual report to governors.', attachment }, undefined);
    const alone = renderFile(attachment);
    expect(alone).toHaveLength(1);
    expect(alone[0]?.text?.startsWith('📎 governors-report-oak-2026.pdf')).toBe(true);
    expect(inMessage?.text).toBe(`The annual report to governors.\n\n${alone[0]?.text}`);
  });
});
