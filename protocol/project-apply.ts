import { z } from 'zod';
import { ProjectEntry } from './project-order.js';

/** `apply`: make the daemon run what a project file says (or, dry, say what that would change). */
export const ApplyParams = z.object({
  /** Absolute path of the project file; the services it registers carry it as their source. */
  file: z.string().min(1).max(4096),
  /** In dependency order (the daemon checks it again). */
  services: z.array(ProjectEntry).max(1000),
  dryRun: z.boolean().default(false),
  /** Why: shown in the dashboard (`herve up`, `herve reload`, `file changed`). */
  reason: z.string().max(200).default('reload'),
});
export type ApplyParams = z.output<typeof ApplyParams>;

/** One changed field: old → new (environment values masked). */
export const FieldChange = z.object({ field: z.string(), from: z.string(), to: z.string() });
export type FieldChange = z.infer<typeof FieldChange>;

export const ServiceChange = z.object({
  name: z.string(),
  action: z.enum(['add', 'remove', 'change', 'unchanged']),
  fields: z.array(FieldChange).default([]),
});
export type ServiceChange = z.infer<typeof ServiceChange>;

export const ReloadInfo = z.object({
  file: z.string(),
  reason: z.string(),
  at: z.number(),
  added: z.number().int(),
  removed: z.number().int(),
  changed: z.number().int(),
  unchanged: z.number().int(),
  /** Set when the apply stopped part way. */
  error: z.string().nullable(),
});
export type ReloadInfo = z.infer<typeof ReloadInfo>;

export const ApplyResult = z.object({
  file: z.string(),
  dryRun: z.boolean(),
  changes: z.array(ServiceChange),
});
export type ApplyResult = z.infer<typeof ApplyResult>;

/** `project`: the last reload, if any project file was applied since the daemon started. */
export const ProjectState = z.object({ lastReload: ReloadInfo.nullable() });
