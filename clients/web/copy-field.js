// Copying a link shown once (a hook's URL, an invite's): to the clipboard when the browser allows it, else the
// field is selected for the user's own copy, and the status line says which.

/** Copies `field`'s value, telling `status` how it went; `what` names it in the fallback ("the link"). */
export async function copyField(field, status, what) {
  try {
    await navigator.clipboard.writeText(field.value);
    status.textContent = 'Copied to the clipboard.';
  } catch {
    field.focus();
    field.select();
    status.textContent = `The browser would not copy it: ${what} is selected, copy it with Ctrl+C or ⌘C.`;
  }
}
