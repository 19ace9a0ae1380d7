import { z } from 'zod';
import { ServiceName } from './service.js';

/** A problem with an upstream URL, said so a person can fix it; null when it is usable. */
export function upstreamUrlProblem(value: string | undefined, what: string): string | null {
  if (value === undefined || value === '') return `${what} is required, e.g. https://api.internal:8443`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${what} "${value}" is not a URL; give it as http://host:port or https://host:port`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${what} must be http:// or https:// (got ${url.protocol}//)`;
  if (url.username || url.password) return `${what} must not carry credentials`;
  if (url.search || url.hash) return `${what} must not have a query or a fragment`;
  return null;
}

/** Where a member is reached: http(s)://host[:port][/path], no credentials, query or fragment. */
export const MemberUrl = z.string().superRefine((value, context) => {
  const problem = upstreamUrlProblem(value, 'url');
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

/** Seconds an announcement keeps a member in routing; announce again well before (every ttl/3). */
export const DEFAULT_MEMBER_TTL_S = 6;

/** `announce`: a process Herve did not spawn joins (or stays in) service `name`, reachable at `url`. */
export const AnnounceParams = z.object({
  name: ServiceName,
  url: MemberUrl,
  ttl: z.number().min(1).max(3600).default(DEFAULT_MEMBER_TTL_S),
});
export type AnnounceParams = z.output<typeof AnnounceParams>;

export const AnnounceResult = z.object({
  name: z.string(),
  url: z.string(),
  ttl: z.number(),
  /** Members of the service after this announcement. */
  members: z.number().int(),
});

/** `leave`: a member goes at once; without `url`, every member of `name`. */
export const LeaveParams = z.object({ name: ServiceName, url: MemberUrl.optional() });
export const LeaveResult = z.object({ name: z.string(), left: z.number().int() });
