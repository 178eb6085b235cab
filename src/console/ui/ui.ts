// What every view is given besides its data: the language, its formats, who is looking, the form token.
import type { Format, Lang } from './locale';

/** The signed-in person, as the pages need it. */
export type Viewer = { id: string; email: string; role: 'admin' | 'partner'; partnerId: string | null };

export type Ui = {
  lang: Lang;
  fmt: Format;
  /** The page's path and query, so that the language switch comes back to it. */
  here: string;
  /** Carried by every form that changes something (src/console/guard.ts); null before sign-in. */
  csrfToken: string | null;
  viewer: Viewer | null;
};

export const isAdmin = (ui: Ui): boolean => ui.viewer?.role === 'admin';
