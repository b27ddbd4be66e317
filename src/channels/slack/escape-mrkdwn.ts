/**
 * Text made safe for Slack's mrkdwn: `&`, `<` and `>` become entities (docs.slack.dev, "Escaping
 * text"), so `<!channel>`, `<@U123>` and `<http://evil|disguised>` written by a colleague show as
 * typed instead of pinging a channel, mentioning someone or hiding a link. Trellis's own messages
 * never use Slack's angle-bracket syntax, so every mrkdwn string the renderers build goes through this.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
