/**
 * What the bot says, independent of any chat platform. Slack renders choices as buttons and
 * forms as a modal, Teams as Adaptive Cards, the terminal as numbered lists; the core only ever
 * produces these shapes.
 */
export interface Choice {
  label: string;
  value: string;
}

export interface FormField {
  id: string;
  label: string;
  kind: 'text' | 'long-text' | 'date' | 'choice';
  required: boolean;
  choices?: readonly Choice[] | undefined;
  /** What the field says under its label (the question, a heading's wording). */
  hint?: string | undefined;
  /** Filled in already: an answer given before, or what was typed when the form came back with an error. */
  value?: string | undefined;
  /** The longest answer the field takes, in characters. */
  maxLength?: number | undefined;
  /** Why the value typed here was refused, shown on the field. */
  error?: string | undefined;
}

export interface SummaryItem {
  label: string;
  value: string;
}

/** A file that goes with a message: a check-in invitation's `.ics`, for example. */
export interface Attachment {
  filename: string;
  contentType: string;
  /** The file's text (calendar files are text), or its bytes in base64 when `encoding` says so (a PDF). */
  content: string;
  encoding?: 'base64' | undefined;
  /** The command an administrator runs for the same file, for channels that cannot send it (Teams). */
  fromCli?: string | undefined;
}

/** An attachment's bytes, whichever way its content is carried. */
export function attachmentBytes(attachment: Attachment): Buffer {
  return Buffer.from(attachment.content, attachment.encoding === 'base64' ? 'base64' : 'utf8');
}

/**
 * Files that take seconds to make (a PDF of someone's records, the governors' report), named
 * rather than made: a chat platform waits about 3 s for its answer, so the turn saves what to make
 * and answers, and the files are made when the reply is sent (`TrellisBot.prepare`), by the
 * process that answered or, if it died, by the job engine sending the saved reply.
 */
export type FilesToMake = ({ kind: 'my-records'; personId: string } | { kind: 'governors-report'; personId: string; schoolId: string; year?: number | undefined }) & {
  /** When they were asked for (ISO instant): the files are made as of then, so made again after a crash they have the same names and day. */
  askedAt: string;
};

export type OutgoingMessage =
  /**
   * `attachment`: channels that can send files attach it; others offer it as a download or say it is on its way.
   * `make`: the message stands for the messages and files made from it before it is sent (`text` is what is said if they can't be).
   */
  | { type: 'text'; text: string; attachment?: Attachment | undefined; make?: FilesToMake | undefined }
  | { type: 'choices'; text: string; choices: readonly Choice[] }
  /**
   * `section`: a dialog's section form (several questions answered at once). A channel that
   * cannot show the form inline offers a button carrying `FORM_CHOICE`, which asks the thread for it again.
   */
  | { type: 'form'; title: string; fields: readonly FormField[]; section?: string | undefined }
  | { type: 'summary'; title: string; items: readonly SummaryItem[] };

export const say = (text: string): OutgoingMessage => ({ type: 'text', text });

export const ask = (text: string, choices: readonly Choice[]): OutgoingMessage => ({ type: 'choices', text, choices });

/** Plain text of a message, for logs, the terminal driver and transcript tests. */
export function messageText(message: OutgoingMessage): string {
  switch (message.type) {
    case 'text':
      return message.text;
    case 'choices':
      return `${message.text}\n${message.choices.map((choice, i) => `  ${i + 1}. ${choice.label}`).join('\n')}`;
    case 'form':
      return `${message.title}\n${message.fields.map((field) => `  - ${field.label}${field.required ? '' : ' (optional)'}`).join('\n')}`;
    case 'summary':
      return `${message.title}\n${message.items.map((item) => `  • ${item.label}: ${item.value}`).join('\n')}`;
  }
}
