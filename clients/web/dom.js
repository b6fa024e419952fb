// The two helpers every view module builds its part of the page with. Text goes in as textContent, never as
// HTML: nothing a server or another user sends can add markup to the page.

export const $ = (id) => document.getElementById(id);

export const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};
