// A panel that makes something with a link shown once (a hook's URL, an invite's): a modal <dialog> opened from
// a top-bar button, a form that makes the thing, and a Copy button. Copying goes to the clipboard when the
// browser allows it, else the field is selected for the user's own copy, and the status line says which.

/** Copies `field`'s value, telling `status` how it went; `what` names it in the fallback ("the link"). */
async function copyField(field, status, what) {
  try {
    await navigator.clipboard.writeText(field.value);
    status.textContent = 'Copied to the clipboard.';
  } catch {
    field.focus();
    field.select();
    status.textContent = `The browser would not copy it: ${what} is selected, copy it with Ctrl+C or ⌘C.`;
  }
}

/**
 * Wires a link panel's controls. `view` holds the panel's elements (dialog, openButton, close, form, copy, url,
 * created, copyStatus, status, error); `open`, `close` and `create` are the panel's own. The link lives only
 * while the panel is open: closing it forgets the link and gives focus back to the button that opened it.
 */
export function wireLinkPanel(view, { open, close, create, what }) {
  view.openButton.addEventListener('click', () => void open());
  view.close.addEventListener('click', close);
  view.form.addEventListener('submit', (event) => {
    event.preventDefault();
    void create();
  });
  view.copy.addEventListener('click', () => void copyField(view.url, view.copyStatus, what));
  view.dialog.addEventListener('close', () => {
    view.form.reset();
    view.url.value = '';
    view.created.hidden = true;
    view.copyStatus.textContent = '';
    view.status.textContent = '';
    view.error.hidden = true;
    if (!view.openButton.hidden) view.openButton.focus();
  });
}
