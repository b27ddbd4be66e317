// The playground page: plain DOM, no framework. It renders the same channel-neutral messages
// Slack and Teams render (text, choices, forms, summaries, reminder digests) from the JSON API.
const $ = (id) => document.getElementById(id);
const view = { person: localStorage.getItem('trellis.person'), thread: null, version: -1, threads: [], people: new Map(), busy: false, clockDate: undefined };

async function api(path, body) {
  const response = await fetch(`/playground/api/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await response.json().catch(() => ({ error: 'The server did not answer properly.' }));
  if (!response.ok) throw new Error(data.error ?? 'Something went wrong.');
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== false) node.setAttribute(key, value === true ? '' : value);
  }
  // Children may be nested arrays (a form's [label, input] pairs): flattened all the way, or an
  // array would be appended as the text "[object HTMLLabelElement],…".
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** Slack-style *bold* and `code`, on escaped text. */
function rich(text) {
  const span = el('div', { class: 'body' });
  const escaped = text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  span.innerHTML = escaped.replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*([^*\n]+)\*/g, '<strong>$1</strong>');
  return span;
}

function say(text) {
  $('status').textContent = text;
}

/** Sends one action; true when the server took it (so a typed message may leave its box). */
async function act(path, body) {
  if (view.busy) return false;
  view.busy = true;
  document.body.setAttribute('aria-busy', 'true');
  try {
    const outcome = await api(path, { ...body, messageId: crypto.randomUUID() });
    if (outcome.openThread) view.thread = outcome.openThread;
    if (outcome.note) say(outcome.note);
    await refresh(true);
    return true;
  } catch (error) {
    say(error.message);
    return false;
  } finally {
    view.busy = false;
    document.body.removeAttribute('aria-busy');
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONDON = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "Fri 23 Oct, 15:30" in London, with the year when it is not the simulated clock's: dates as the bot's messages write them. */
function messageTime(at) {
  const part = Object.fromEntries(LONDON.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const thisYear = view.clockDate?.slice(0, 4) ?? String(new Date().getFullYear());
  return `${part.weekday} ${Number(part.day)} ${MONTHS[Number(part.month) - 1]}${part.year === thisYear ? '' : ` ${part.year}`}, ${part.hour}:${part.minute}`;
}

function renderMessage(entry, threadId) {
  const who = entry.kind === 'typed' ? view.people.get(view.person)?.fullName ?? 'You' : 'Trellis';
  const time = messageTime(entry.at);
  const li = el('li', { class: entry.kind === 'typed' ? 'from-person' : 'from-bot' }, el('div', { class: 'who' }, who, el('time', { datetime: entry.at }, time)));
  if (entry.kind === 'typed') li.append(rich(entry.text));
  else if (entry.kind === 'thread') li.append(threadLink(entry));
  else if (entry.kind === 'digest') li.append(digestCard(entry, threadId));
  else li.append(...botMessage(entry, threadId));
  return li;
}

function threadLink(entry) {
  const thread = view.threads.find((t) => t.id === entry.threadId);
  const replies = thread ? thread.entries.length : 0;
  return el('div', { class: 'thread-link' }, rich(entry.title), el('button', { type: 'button', onclick: () => openThread(entry.threadId) }, `Open thread (${replies} ${replies === 1 ? 'reply' : 'replies'})`));
}

function botMessage(entry, threadId) {
  const m = entry.message;
  if (m.type === 'text') {
    const parts = [rich(m.text)];
    if (m.attachment) {
      const body = m.attachment.encoding === 'base64' ? Uint8Array.from(atob(m.attachment.content), (c) => c.charCodeAt(0)) : m.attachment.content;
      const href = URL.createObjectURL(new Blob([body], { type: m.attachment.contentType }));
      parts.push(el('a', { href, download: m.attachment.filename }, `Download ${m.attachment.filename}`));
    }
    return parts;
  }
  if (m.type === 'choices') {
    const buttons = m.choices.map((c) =>
      el('button', { type: 'button', class: entry.answered === c.label ? 'chosen' : '', disabled: entry.answered !== undefined, onclick: () => act('press', { person: view.person, thread: threadId, entry: entry.id, value: c.value }) }, c.label),
    );
    return [rich(m.text), el('div', { class: 'buttons', role: 'group', 'aria-label': 'Choices' }, buttons)];
  }
  if (m.type === 'summary') {
    return [el('div', { class: 'card' }, el('h3', {}, m.title), el('ul', {}, m.items.map((i) => el('li', {}, el('strong', {}, `${i.label}: `), i.value))))];
  }
  return [formCard(entry, threadId)];
}

/** Up to this many choices are radio buttons in a form; more are a drop-down. */
const RADIO_CHOICES = 5;

function formCard(entry, threadId) {
  const m = entry.message;
  const done = entry.answered !== undefined;
  const fields = m.fields.map((f) => {
    const id = `f-${entry.id}-${f.id}`;
    const hintId = f.hint ? `${id}-hint` : undefined;
    const errorId = f.error ? `${id}-error` : undefined;
    const described = [hintId, errorId].filter(Boolean).join(' ') || undefined;
    const attrs = { id, name: f.id, required: f.required, disabled: done, maxlength: f.maxLength, 'aria-describedby': described, 'aria-invalid': f.error ? 'true' : undefined };
    let input;
    if (f.kind === 'long-text') {
      input = el('textarea', { ...attrs, rows: 3 });
      input.value = f.value ?? '';
    } else if (f.kind === 'choice' && (f.choices ?? []).length <= RADIO_CHOICES) {
      // A few choices as radio buttons, every label read in full (a select cuts long ones off in the side panel).
      const options = (f.choices ?? []).map((c, i) =>
        el('label', { class: 'choice' }, el('input', { type: 'radio', name: f.id, value: c.value, checked: c.value === f.value, required: f.required && i === 0, disabled: done }), ` ${c.label}`),
      );
      return [
        el(
          'fieldset',
          { id, 'aria-describedby': described, 'aria-invalid': f.error ? 'true' : undefined },
          el('legend', {}, f.required ? f.label : `${f.label} (optional)`),
          hintId ? el('p', { id: hintId, class: 'muted hint' }, f.hint) : null,
          options,
          errorId ? el('p', { id: errorId, class: 'field-error', role: 'alert' }, f.error) : null,
        ),
      ];
    } else if (f.kind === 'choice') {
      input = el('select', attrs, el('option', { value: '' }, '—'), (f.choices ?? []).map((c) => el('option', { value: c.value, selected: c.value === f.value }, c.label)));
    } else input = el('input', { ...attrs, type: f.kind === 'date' ? 'date' : 'text', value: f.value });
    return [
      el('label', { for: id }, f.required ? f.label : `${f.label} (optional)`),
      hintId ? el('p', { id: hintId, class: 'muted hint' }, f.hint) : null,
      input,
      errorId ? el('p', { id: errorId, class: 'field-error', role: 'alert' }, f.error) : null,
    ];
  });
  const form = el('form', { 'aria-label': m.title }, fields, el('button', { type: 'submit', class: 'primary', disabled: done }, done ? 'Sent' : 'Send'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form).entries());
    act('submit', { person: view.person, thread: threadId, entry: entry.id, values });
  });
  return el('div', { class: 'card' }, el('h3', {}, m.title), form);
}

function digestCard(entry, threadId) {
  const d = entry.digest;
  const items = d.items.map((item) =>
    el(
      'li',
      { class: 'item' },
      el('strong', {}, item.label),
      item.about ? ` — ${item.about.fullName}` : '',
      el('div', {}, el('span', { class: `state-${item.state}` }, item.dueText ?? `due ${item.dueOn}`), item.state === 'opened' ? ' · new' : ''),
      el(
        'div',
        { class: 'buttons' },
        item.actions.map((a) =>
          el('button', { type: 'button', 'aria-label': `${a.label}: ${item.label}${item.about ? ` (${item.about.fullName})` : ''}`, onclick: () => act('press', { person: view.person, thread: threadId, entry: entry.id, value: a.value }) }, a.label),
        ),
      ),
    ),
  );
  const more = d.more && d.more.length > 0 ? [el('p', { class: 'muted' }, `and ${d.more.length} more — say `, el('code', {}, 'status'))] : [];
  const summaries = (d.escalations ?? []).map((s) =>
    el(
      'p',
      { class: 'escalation' },
      `⚠ ${s.text} `,
      s.actions.map((a) => el('button', { type: 'button', 'aria-label': `${a.label}: ${s.label}`, onclick: () => act('press', { person: view.person, thread: threadId, entry: entry.id, value: a.value }) }, a.label)),
    ),
  );
  return el('div', { class: 'card digest' }, el('h3', {}, d.title), el('ul', {}, items), ...more, ...summaries);
}

function renderList(list, entries, threadId) {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...entries.map((e) => renderMessage(e, threadId)));
  if (atBottom || view.busy) list.scrollTop = list.scrollHeight;
}

function render() {
  const dm = view.threads.find((t) => t.id === 'dm');
  const person = view.people.get(view.person);
  $('dm-title').textContent = person ? `Trellis — DM with ${person.fullName}` : 'Pick someone to act as';
  renderList($('dm-messages'), dm ? dm.entries : [], 'dm');
  const thread = view.thread && view.threads.find((t) => t.id === view.thread);
  $('home').hidden = Boolean(thread);
  $('thread-messages').hidden = !thread;
  $('thread-form').hidden = !thread;
  $('close-thread').hidden = !thread;
  $('side-title').textContent = thread ? thread.title.split(' — ')[0] : 'My cycle';
  if (thread) renderList($('thread-messages'), thread.entries, thread.id);
  for (const button of document.querySelectorAll('.people li button')) button.setAttribute('aria-pressed', String(button.dataset.id === view.person));
}

async function refresh(force = false) {
  if (!view.person) return;
  const data = await api(`inbox?person=${view.person}&since=${force ? -1 : view.version}`);
  view.version = data.version;
  if (data.unchanged) {
    // The clock may move without a new message (another tab, the date box): keep the box on it.
    showClock(await api('clock'));
    return;
  }
  view.threads = data.threads;
  showClock(data.clock);
  render();
  if (!view.thread) await renderHome();
}

function showClock(clock) {
  const box = $('clock-date');
  // Not while someone is choosing a date in it.
  if (document.activeElement !== box && box.value !== clock.date) box.value = clock.date;
  $('clock-weekday').textContent = clock.weekday;
  view.clockDate = clock.date;
}

async function renderHome() {
  const home = $('home');
  try {
    const h = await api(`home?person=${view.person}`);
    const year = `${h.academicYear}/${String((h.academicYear + 1) % 100).padStart(2, '0')}`;
    home.replaceChildren(
      el('p', {}, el('strong', {}, h.person.fullName), ` · ${year} · ${h.stage}`),
      el('h3', {}, 'What is due'),
      h.deadlines.length === 0 ? el('p', { class: 'muted' }, 'Nothing open.') : el('ul', {}, h.deadlines.map((d) => el('li', { class: d.overdue ? 'overdue' : '' }, `${d.label} — ${d.dueText ?? d.dueOn}`))),
      h.plan ? el('div', {}, el('h3', {}, `Plan: ${h.plan.status}`), el('ul', {}, h.plan.goals.map((g) => el('li', {}, g)))) : '',
      h.reviewees.length === 0 ? '' : el('div', {}, el('h3', {}, 'People you review'), el('ul', {}, h.reviewees.map((r) => el('li', {}, `${r.fullName}: ${r.open} open, ${r.overdue} overdue${r.next ? ` · next ${r.next}` : ''}`)))),
      el('div', { class: 'buttons' }, h.actions.map((a) => el('button', { type: 'button', onclick: () => act('home-action', { person: view.person, value: a.value }) }, a.label))),
      el('h3', {}, 'Who has seen my records'),
      (h.seenBy ?? []).length === 0 ? el('p', { class: 'muted' }, 'Nobody but you.') : el('ul', {}, h.seenBy.map((s) => el('li', {}, `${s.when}: ${s.text}`))),
    );
  } catch (error) {
    home.replaceChildren(el('p', { class: 'muted' }, error.message));
  }
}

function openThread(id) {
  view.thread = id;
  render();
  $('thread-input').focus();
}

async function choosePerson(id) {
  view.person = id;
  view.thread = null;
  localStorage.setItem('trellis.person', id);
  await refresh(true);
  $('dm-input').focus();
}

const ROLE_NAMES = { 'trust-leader': 'Trust leader', leader: 'Leader', headteacher: 'Head', teacher: 'Teacher', 'teaching-assistant': 'Teaching assistant', support: 'Support staff' };

async function loadPeople() {
  const { schools } = await api('people');
  const groups = schools.map((school, i) =>
    el(
      'details',
      { open: i === 0 || school.people.some((p) => p.id === view.person) },
      el('summary', {}, `${school.name} (${school.policy})`),
      el(
        'ul',
        {},
        school.people.map((p) => {
          view.people.set(p.id, p);
          const what = [p.department === 'Trust' ? 'Trust leader' : ROLE_NAMES[p.role] ?? p.role, p.department !== 'Trust' ? p.department : null, ...p.flags.map((f) => f.toUpperCase())].filter(Boolean).join(' · ');
          return el('li', {}, el('button', { type: 'button', 'data-id': p.id, 'aria-pressed': 'false', onclick: () => choosePerson(p.id) }, p.fullName, el('span', { class: 'muted' }, what)));
        }),
      ),
    ),
  );
  $('schools').replaceChildren(...groups);
  if (!view.people.has(view.person)) view.person = null;
}

/** The server's limit on one message; longer text stays in the box with the reason. */
const MAX_MESSAGE = 4000;

function bindForms() {
  const send = (input, thread) => async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || !view.person) return;
    if (text.length > MAX_MESSAGE) {
      say(`That message is ${text.length.toLocaleString('en-GB')} characters; the limit is ${MAX_MESSAGE.toLocaleString('en-GB')}. It is still in the box: shorten it and send it again.`);
      return;
    }
    // The box is emptied only once the message has arrived, so nothing typed is ever lost.
    if (await act('say', { person: view.person, thread: thread(), text })) {
      if (input.value.trim() === text) input.value = '';
    }
  };
  for (const [form, input, thread] of [
    ['dm-form', 'dm-input', () => 'dm'],
    ['thread-form', 'thread-input', () => view.thread],
  ]) {
    $(form).addEventListener('submit', send($(input), thread));
    // Enter sends, Shift+Enter starts a new line, as in Slack.
    $(input).addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        $(form).requestSubmit();
      }
    });
  }
  $('close-thread').addEventListener('click', () => {
    view.thread = null;
    render();
    renderHome();
  });
  $('show-home').addEventListener('click', () => {
    view.thread = null;
    render();
    renderHome();
  });
  $('clock').addEventListener('submit', (event) => {
    event.preventDefault();
    act('clock', { action: 'set', date: $('clock-date').value });
  });
  $('next-day').addEventListener('click', () => act('clock', { action: 'next-school-day' }));
  $('next-deadline').addEventListener('click', () => act('clock', { action: 'next-deadline' }));
}

async function main() {
  bindForms();
  showClock(await api('clock'));
  await loadPeople();
  if (view.person) await refresh(true);
  else render();
  setInterval(() => {
    if (!view.busy) refresh().catch((error) => say(error.message));
  }, 1500);
}

main().catch((error) => say(error.message));
