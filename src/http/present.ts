import type { Request, Response } from 'express';
import type { CommandResult, UserPresence } from '../core/chat/commands.js';
import { ownerOf, type Group } from '../core/chat/directory.js';
import type { components } from '../generated/openapi.js';
import { sessionCookie } from './auth.js';

type Schemas = components['schemas'];

/** The original `get_users` listing: `o name` online, `x name` offline. */
export function usersAsText(users: readonly UserPresence[]): string {
  return users.map((u) => `${u.online ? 'o' : 'x'} ${u.name}\n`).join('');
}

/** Answers a command's result exactly as its REST endpoint does; shared by the routes and POST /commands. */
export function sendResult(req: Request, res: Response, result: CommandResult): void {
  switch (result.kind) {
    case 'users': {
      if (req.accepts(['application/json', 'text/plain']) === 'text/plain') {
        res.status(200).type('text/plain').send(usersAsText(result.users));
      } else {
        const body: Schemas['UserList'] = { users: [...result.users] };
        res.status(200).json(body);
      }
      return;
    }
    case 'exited':
      res.clearCookie(sessionCookie, { path: '/' });
      res.status(204).end();
      return;
    case 'sent': {
      const sentAt = new Date(result.sentAt).toISOString();
      const body: Schemas['Accepted'] = { id: String(result.id), to: result.to, recipients: result.recipients, sentAt };
      sendJson(res, 202, body);
      return;
    }
    case 'broadcast': {
      const sentAt = new Date(result.sentAt).toISOString();
      const body: Schemas['BroadcastAccepted'] = { id: String(result.id), recipients: result.recipients, sentAt };
      sendJson(res, 202, body);
      return;
    }
    case 'group_created': {
      const { name, members, createdBy } = result.group;
      const body: Schemas['Group'] = { name, members: [...members], createdBy };
      res.status(201).json(body);
      return;
    }
    case 'group_changed':
      res.status(200).json(groupDetail(result.group));
      return;
    case 'edited':
      res.status(200).json(result.message);
      return;
    case 'deleted':
    case 'done':
      res.status(204).end();
      return;
    case 'notify_level': {
      const body: Schemas['NotificationsEvent'] = { with: result.with, level: result.level };
      res.status(200).json(body);
      return;
    }
    case 'quiet_time': {
      const body: Schemas['QuietTime'] = { until: result.until };
      res.status(200).json(body);
      return;
    }
  }
}

export function groupDetail(group: Group): Schemas['GroupDetail'] {
  return { name: group.name, members: [...group.members], owner: ownerOf(group), createdBy: group.createdBy };
}

/**
 * The same response as express's `res.status(status).json(body)` (no ETag is made: the app turns them off),
 * written straight to node:http: the busiest answers skip express's content negotiation and conversions.
 */
export function sendJson(res: Response, status: number, body: object): void {
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}
