// Console user resource: people who sign in to the back office, invited by an admin.
import { z } from '@hono/zod-openapi';
import { CONSOLE_ROLES, CONSOLE_USER_STATUSES } from '../domain/console-user';

export const userCreateSchema = z
  .object({
    email: z.email().max(254).openapi({ description: 'Compared and stored lower-cased.', example: 'anne@autodoc.fr' }),
    role: z.enum(CONSOLE_ROLES).openapi({ description: 'An admin sees everything; a partner user its own partner.' }),
    partnerId: z.string().optional().openapi({ description: 'Required for a partner user; none for an admin.' }),
  })
  .strict()
  .refine((u) => (u.role === 'partner') === Boolean(u.partnerId), {
    message: 'A partner user needs partnerId; an admin takes none.',
    path: ['partnerId'],
  })
  .openapi('UserCreate');

export type UserCreate = z.infer<typeof userCreateSchema>;

export const userSchema = z
  .object({
    id: z.string().openapi({ example: 'usr_01JDQ7Z8V3K2M4N5P6Q7R8S9T0' }),
    email: z.string(),
    role: z.enum(CONSOLE_ROLES),
    partnerId: z.string().nullable(),
    status: z
      .enum(CONSOLE_USER_STATUSES)
      .openapi({ description: '`invited` until the person has chosen a password through an invitation.' }),
    createdAt: z.string(),
    lastSignInAt: z.string().nullable(),
  })
  .openapi('User');

const inviteUrl = z.url().openapi({
  description: 'Absolute `/console/invite/<token>` URL: single use, valid 7 days. Shown once.',
  example: 'https://go.example/console/invite/q3Zf...',
});

export const userWithInviteSchema = userSchema.extend({ inviteUrl }).openapi('UserWithInvite');

export const invitationSchema = z.object({ inviteUrl }).openapi('Invitation');
