// Going to a message of the open log from a reply's quote: scrolled to the middle of the log, given focus and
// lit up for a moment. One older than the pages read is read back to, a large page at a time, up to a bound; one
// the history does not reach (older than the server keeps, or sent in a group before the reader joined) is said
// in the notice line, and so is one further back than the bound (the quote reads on from there when pressed
// again).

import { $ } from './dom.js';
import { focusMessage } from './log-focus.js';
import { state } from './state.js';

/** Messages read per page while going back to one: the most the server gives. */
const pageLimit = 200;
/** Pages read for one press of a quote, at most. */
const pagesAtMost = 5;
/** How long a message gone to stays lit (the style fades it within that time). */
const litMs = 2000;

const log = $('messages');
const itemOf = (id) => log.querySelector(`:scope > li.msg[data-id="${CSS.escape(id)}"]`);

let lit;
let unlight;

function goTo(li) {
  li.scrollIntoView({ block: 'center' });
  focusMessage(li);
  lit?.classList.remove('jumped');
  clearTimeout(unlight);
  // Taken off first, so that going to the same message again lights it again.
  void li.offsetWidth;
  li.classList.add('jumped');
  lit = li;
  unlight = setTimeout(() => li.classList.remove('jumped'), litMs);
}

async function showMessage(id) {
  const conv = state.current;
  if (!conv) return;
  const behind = () => conv.more && Number(id) < state.convs.oldestId(conv);
  if (!itemOf(id) && behind()) state.emit('announce', 'Reading older messages to find it…');
  for (let pages = 0; !itemOf(id) && behind() && pages < pagesAtMost; pages++) {
    const oldest = state.convs.oldestId(conv);
    await state.request('load-older', { conv, limit: pageLimit });
    if (state.current !== conv) return;
    if (state.convs.oldestId(conv) === oldest) {
      // A page that did not come was said as it failed; an empty last one means the history ends here.
      if (conv.more) return;
      break;
    }
  }
  const li = itemOf(id);
  if (li) return goTo(li);
  state.emit('notice', {
    text: behind()
      ? `That message is more than ${pageLimit * pagesAtMost} messages back: press the quote again to read further.`
      : 'That message is not in your history here any more: it is older than the server keeps, or from before you joined.',
    tone: 'warn',
  });
}

state.handle('show-message', showMessage);
