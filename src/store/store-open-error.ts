/** A store could not be opened; the message says what is wrong with which file and what to do about it. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
}
