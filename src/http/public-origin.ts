import type { Request } from 'express';

/**
 * Where users reach this server, for the links it hands out (a hook's URL, an invite's): --public-url when set
 * (behind a proxy, say), else the request's own scheme and host.
 */
export function publicOrigin(req: Request, publicUrl: string): string {
  if (publicUrl !== '') return publicUrl.replace(/\/+$/, '');
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
