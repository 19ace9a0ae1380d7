import { z } from 'zod';

/** A colour Ink understands: a chalk name (`green`, `cyanBright`) or a hex value. */
const Colour = z.string().regex(/^(#[0-9a-fA-F]{6}|[a-z][a-zA-Z]*)$/, { message: 'must be a colour name or #rrggbb' });

export const ThemeSchema = z.object({
  name: z.string().min(1),
  description: z.string(),
  status: z.object({
    running: Colour,
    starting: Colour,
    stopping: Colour,
    stopped: Colour,
    unhealthy: Colour,
    crashed: Colour,
    joined: Colour,
    lost: Colour,
  }),
  accent: Colour,
  border: Colour,
  text: Colour,
  dim: Colour,
  selection: z.object({ foreground: Colour, background: Colour }),
  success: Colour,
  warning: Colour,
  error: Colour,
  servicePalette: z.array(Colour).min(1),
});
export type ThemeData = z.infer<typeof ThemeSchema>;
