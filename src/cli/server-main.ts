// The server alone, `parley serve` without the command word: what `npm run dev` watches and the tests start.
import { serveCommand } from './serve-command.js';

await serveCommand(process.argv.slice(2), process.env);
