import { describe, expect, it } from 'vitest';
import { emailContentOf } from '../../../src/channels/email/email-channel.ts';
import { say } from '../../../src/core/conversations/engine/outgoing-message.ts';

describe('the e-mail a contact who is not on the roster receives (002 §22–24, 004 §9.1)', () => {
  it('002 §22–24: the first message is the subject; the plain text is as written and only the HTML part escapes what HTML gives a meaning to', () => {
    const content = emailContentOf([say('Review for Sam & Co <due>\n soon'), say('Dear Gill,'), say('“Head’s review” is due by Fri 17 Dec.\n\nPlease arrange it & reply <here>.')]);
    expect(content.subject).toBe('Review for Sam & Co <due> soon');
    expect(content.text).toBe('Dear Gill,\n\n“Head’s review” is due by Fri 17 Dec.\n\nPlease arrange it & reply <here>.\n');
    expect(content.html).toBe('<!doctype html><html><body><p>Dear Gill,</p><p>“Head’s review” is due by Fri 17 Dec.</p><p>Please arrange it &#38; reply &#60;here&#62;.</p></body></html>');
    expect(`${content.text}${content.html}`).not.toMatch(/unsubscribe/i);
  });
});
