// The page's one screen at a time: a form built from a description, the status and error regions, the
// busy state. Accessibility lives here: every field has a label, focus goes to the new screen's first field
// (or its heading) and to the error when one is shown, errors are role=alert, progress is aria-live.
import { describeError, fieldsFor } from './messages.js';

const $ = (id) => document.getElementById(id);
let current = null;

/** Announces progress or success (aria-live=polite). */
export function announce(text) {
  $('status').textContent = text;
}

function clearError() {
  const box = $('error');
  box.hidden = true;
  box.replaceChildren();
  current?.querySelectorAll('[aria-invalid]').forEach((input) => {
    input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', input.dataset.describedby ?? '');
  });
}

/** Shows an error (a CognitoError, an Error, or { text, detail }), marks `field` invalid, moves focus to it. */
export function showError(err, field) {
  const { text, detail } = err?.text ? err : describeError(err);
  const box = $('error');
  const main = document.createElement('p');
  main.textContent = text;
  box.replaceChildren(main);
  if (detail) {
    const small = document.createElement('p');
    small.className = 'detail';
    small.textContent = detail;
    box.append(small);
  }
  box.hidden = false;
  announce('');
  const input = field && current?.elements.namedItem(field);
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', `${input.dataset.describedby ?? ''} error`.trim());
  }
  box.focus();
}

function fieldElement({ name, label, type = 'text', autocomplete = 'off', value = '', hint, required = true, inputmode }) {
  // Passkey autofill needs the token list `username webauthn`, which the autocomplete property may not take.
  const wrap = document.createElement('div');
  wrap.className = 'field';
  const id = `field-${name}`;
  const labelEl = document.createElement('label');
  labelEl.htmlFor = id;
  labelEl.textContent = label;
  const input = document.createElement('input');
  Object.assign(input, { id, name, type, value, required });
  input.setAttribute('autocomplete', autocomplete);
  if (inputmode) input.inputMode = inputmode;
  if (type === 'text' || type === 'email') {
    input.autocapitalize = 'none';
    input.spellcheck = false;
  }
  wrap.append(labelEl, input);
  if (hint) {
    const hintEl = document.createElement('p');
    hintEl.className = 'hint';
    hintEl.id = `${id}-hint`;
    hintEl.textContent = hint;
    input.dataset.describedby = hintEl.id;
    input.setAttribute('aria-describedby', hintEl.id);
    wrap.append(hintEl);
  }
  return wrap;
}

/** A group of radio buttons: choices [{ value, label, disabled? }]. */
function choiceElement({ name, legend, choices }) {
  const fieldset = document.createElement('fieldset');
  const legendEl = document.createElement('legend');
  legendEl.textContent = legend;
  fieldset.append(legendEl);
  choices.forEach((choice, i) => {
    const id = `choice-${name}-${i}`;
    const row = document.createElement('div');
    row.className = 'choice';
    const input = document.createElement('input');
    Object.assign(input, { type: 'radio', id, name, value: choice.value, required: true, disabled: Boolean(choice.disabled) });
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = choice.label;
    row.append(input, label);
    fieldset.append(row);
  });
  const first = fieldset.querySelector('input:not(:disabled)');
  if (first) first.checked = true;
  return fieldset;
}

/** A hidden username beside a password-only form, so password managers know which account it is for. */
function accountHint(username) {
  const input = document.createElement('input');
  Object.assign(input, { type: 'text', name: 'account', autocomplete: 'username', value: username, hidden: true, readOnly: true, tabIndex: -1 });
  return input;
}

function paragraph(text, className) {
  const p = document.createElement('p');
  if (className) p.className = className;
  p.textContent = text;
  return p;
}

/**
 * Replaces the screen. `screen`: { id, heading, intro?, content?: Node[], account?, fields?: [...], choice?: {...},
 * submit, onSubmit(values) → Promise, busyText?, actions?: [{ label, onClick, busyText? }] }.
 * onSubmit and action handlers run with the form busy; what they throw is shown as the error.
 */
export function render(screen) {
  clearError();
  const form = document.createElement('form');
  form.id = `screen-${screen.id}`;
  form.dataset.screen = screen.id;
  form.setAttribute('aria-labelledby', 'screen-heading');
  const heading = document.createElement('h1');
  heading.id = 'screen-heading';
  heading.tabIndex = -1;
  heading.textContent = screen.heading;
  form.append(heading);
  if (screen.intro) form.append(paragraph(screen.intro, 'intro'));
  form.append($('error'));
  form.append(...(screen.content ?? []));
  if (screen.account !== undefined) form.append(accountHint(screen.account));
  for (const field of screen.fields ?? []) form.append(fieldElement(field));
  if (screen.choice) form.append(choiceElement(screen.choice));

  const submit = document.createElement('button');
  submit.type = 'submit';
  submit.className = 'primary';
  submit.textContent = screen.submit;
  form.append(submit);

  if (screen.actions?.length) {
    const actions = document.createElement('div');
    actions.className = 'actions';
    for (const action of screen.actions) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = action.primary ? 'secondary' : 'link';
      button.textContent = action.label;
      button.addEventListener('click', () => run(form, action.busyText, () => action.onClick()));
      actions.append(button);
    }
    form.append(actions);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    run(form, screen.busyText ?? 'Please wait…', () => screen.onSubmit(values));
  });

  $('screen').replaceChildren(form);
  current = form;
  const first = form.querySelector('input:not([hidden]):not([type=radio]), input[type=radio]:checked');
  (first ?? heading).focus();
  return form;
}

function fieldFor(err, form) {
  return fieldsFor(err).find((name) => form.elements.namedItem(name));
}

/** Runs `fn` with the form busy (buttons disabled, spinner, aria-busy); shows what it throws. */
async function run(form, busyText, fn) {
  if (form.getAttribute('aria-busy') === 'true') return;
  clearError();
  form.setAttribute('aria-busy', 'true');
  const buttons = [...form.querySelectorAll('button')];
  buttons.forEach((b) => (b.disabled = true));
  $('spinner').hidden = false;
  if (busyText) announce(busyText);
  try {
    await fn();
    if ($('status').textContent === busyText) announce('');
  } catch (err) {
    showError(err, fieldFor(err, form));
  } finally {
    form.removeAttribute('aria-busy');
    buttons.forEach((b) => (b.disabled = false));
    $('spinner').hidden = true;
  }
}

export { paragraph, run };
