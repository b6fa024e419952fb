// Stops `npm test` at once, in one line, when a Debian package the suite drives is missing (see .ci/packages).
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const listUrl = new URL('../.ci/packages', import.meta.url);

export interface RequiredPackage {
  /** The Debian package. */
  readonly name: string;
  /** The command it puts on PATH, by which it is found. */
  readonly command: string;
}

/** Every package of .ci/packages. */
export function requiredPackages(): RequiredPackage[] {
  return readFileSync(listUrl, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [name, command] = line.split(/\s+/);
      return { name: name!, command: command ?? name! };
    });
}

function onPath(command: string, path: string): boolean {
  return path.split(delimiter).some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The packages whose command is not on `path`. */
export function missingPackages(path = process.env.PATH ?? ''): RequiredPackage[] {
  return requiredPackages().filter((pkg) => !onPath(pkg.command, path));
}

/** One line naming what is missing and how to install it; undefined when nothing is. */
export function missingPackagesMessage(path?: string): string | undefined {
  const missing = missingPackages(path);
  if (missing.length === 0) return undefined;
  const names = missing.map((pkg) => pkg.name).join(' ');
  return `parley tests: missing Debian packages: ${names}; install them with \`apt-get update && apt-get install -y ${names}\` (or run \`bash .ci/run\`)`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const message = missingPackagesMessage();
  if (message !== undefined) {
    console.error(message);
    process.exit(1);
  }
}
