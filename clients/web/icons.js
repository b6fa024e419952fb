// The few pictures the page draws itself, as inline SVG in the text's colour: a bell, a bell struck through, a
// moon. Each is hidden from screen readers; the words beside it (visible or not) say what it means.

const ns = 'http://www.w3.org/2000/svg';

const shapes = {
  bell: ['M18 16v-5a6 6 0 0 0-12 0v5l-2 2h16z', 'M10 20.5a2 2 0 0 0 4 0'],
  'bell-off': ['M18 16v-5a6 6 0 0 0-9.4-4.9', 'M6 10.5V16l-2 2h14', 'M10 20.5a2 2 0 0 0 4 0', 'M3.5 3.5l17 17'],
  at: ['M12 16a4 4 0 1 1 0-8 4 4 0 0 1 0 8z', 'M16 8v5a2.5 2.5 0 0 0 5 0v-1a9 9 0 1 0-3.5 7.1'],
  moon: ['M20 14.5A8 8 0 1 1 9.5 4a6.5 6.5 0 0 0 10.5 10.5z'],
};

/** @param {keyof typeof shapes} name */
export function icon(name) {
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', `icon icon-${name}`);
  for (const d of shapes[name]) {
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}
