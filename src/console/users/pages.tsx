// The console users page: invite someone (the link shown once), the people who may sign in, new invitations, removal.
import type { ConsoleUserRecord } from '../../services/console-users';
import { type PartnerOption, partnerNameOf } from '../partner-options';
import { ActionForm, CopyField, Field, Notice, Pager } from '../ui/components';
import { describedBy, FieldError } from '../ui/field-error';
import { Layout } from '../ui/layout';
import { messages } from '../ui/messages';
import { PartnerSelect } from '../ui/partner-select';
import type { Ui } from '../ui/ui';

const m = messages(
  {
    title: 'Users',
    intro:
      'People who sign in to this console. An admin sees and manages everything; a partner user sees only its own partner, read-only.',
    invite: 'Invite someone',
    email: 'Email',
    role: 'Role',
    admin: 'Admin',
    partnerUser: 'Partner user',
    partnerHint: 'For a partner user only: the partner whose figures they see.',
    sendInvite: 'Invite',
    people: 'People',
    none: 'Nobody yet.',
    partner: 'Partner',
    lastSignIn: 'Last sign-in',
    never: 'Never',
    invitation: 'Invitation',
    pending: 'Pending',
    accepted: 'Accepted',
    actions: 'Actions',
    you: 'You',
    reinvite: 'Send a new invitation',
    reinviteLabel: (email: string) => `Send a new invitation to ${email}`,
    confirmReinvite: (email: string) =>
      `Send a new invitation to ${email}? Their earlier invitation links stop working; with the new one they choose a new password.`,
    remove: 'Remove',
    removeLabel: (email: string) => `Remove ${email}`,
    confirmRemove: (email: string) => `Remove ${email}? They are signed out everywhere at once.`,
    invited: (email: string) =>
      `Invitation ready for ${email}. Send them this link: it works once, for 7 days, and is not shown again.`,
    invitationLink: (email: string) => `invitation link for ${email}`,
    removed: 'User removed and signed out everywhere.',
    failed: 'The invitation could not be made.',
    badEmail: 'Not an email address.',
    badRole: 'Choose a role.',
    choosePartner: 'A partner user needs a partner.',
    unknownPartner: 'No such partner.',
    emailInUse: 'Someone already signs in with this email.',
    notYourself: 'You cannot remove yourself: ask another admin.',
  },
  {
    title: 'Utilisateurs',
    intro:
      'Les personnes qui se connectent à cette console. Un admin voit et gère tout ; un utilisateur partenaire ne voit que son partenaire, en lecture seule.',
    invite: 'Inviter quelqu’un',
    email: 'Email',
    role: 'Rôle',
    admin: 'Admin',
    partnerUser: 'Utilisateur partenaire',
    partnerHint: 'Pour un utilisateur partenaire seulement : le partenaire dont il voit les chiffres.',
    sendInvite: 'Inviter',
    people: 'Personnes',
    none: "Personne pour l'instant.",
    partner: 'Partenaire',
    lastSignIn: 'Dernière connexion',
    never: 'Jamais',
    invitation: 'Invitation',
    pending: 'En attente',
    accepted: 'Acceptée',
    actions: 'Actions',
    you: 'Vous',
    reinvite: 'Envoyer une nouvelle invitation',
    reinviteLabel: (email: string) => `Envoyer une nouvelle invitation à ${email}`,
    confirmReinvite: (email: string) =>
      `Envoyer une nouvelle invitation à ${email} ? Ses liens d'invitation précédents cessent de fonctionner ; avec le nouveau, la personne choisit un nouveau mot de passe.`,
    remove: 'Supprimer',
    removeLabel: (email: string) => `Supprimer ${email}`,
    confirmRemove: (email: string) => `Supprimer ${email} ? La personne est déconnectée partout immédiatement.`,
    invited: (email: string) =>
      `Invitation prête pour ${email}. Envoyez-lui ce lien : il ne sert qu'une fois, pendant 7 jours, et ne sera plus affiché.`,
    invitationLink: (email: string) => `lien d'invitation pour ${email}`,
    removed: 'Utilisateur supprimé et déconnecté partout.',
    failed: "L'invitation n'a pas pu être faite.",
    badEmail: "Ce n'est pas une adresse email.",
    badRole: 'Choisissez un rôle.',
    choosePartner: 'Un utilisateur partenaire a besoin d’un partenaire.',
    unknownPartner: 'Ce partenaire n’existe pas.',
    emailInUse: 'Quelqu’un se connecte déjà avec cet email.',
    notYourself: 'Vous ne pouvez pas vous supprimer vous-même : demandez à un autre admin.',
  },
);

/** A problem with the invitation form or an action, worded by the page. */
export type UserProblem = 'badEmail' | 'badRole' | 'choosePartner' | 'unknownPartner' | 'emailInUse' | 'notYourself';

export const userProblem = (ui: Ui, problem: UserProblem): string => m[ui.lang][problem];

export type InviteForm = { email?: string; role?: string; partner?: string };
export type InviteErrors = Partial<Record<'email' | 'role' | 'partner', string>>;

/**
 * The users page: the invitation form, the invitation just made (its link shown this once), and
 * the people, newest first, each with a new invitation and removal.
 */
export function UsersPage(props: {
  ui: Ui;
  partners: readonly PartnerOption[];
  users: readonly ConsoleUserRecord[];
  nextCursor: string | null;
  invitation?: { email: string; url: string };
  form?: InviteForm;
  errors?: InviteErrors;
  removed?: boolean;
}) {
  const { ui } = props;
  const t = m[ui.lang];
  const form = props.form ?? {};
  const errors = props.errors ?? {};
  const selfId = ui.viewer?.id;
  return (
    <Layout ui={ui} title={t.title}>
      {props.removed && <Notice>{t.removed}</Notice>}
      {Object.keys(errors).length > 0 && <Notice kind="error">{t.failed}</Notice>}
      {props.invitation && (
        <div class="notice" role="status">
          <p>{t.invited(props.invitation.email)}</p>
          <CopyField ui={ui} value={props.invitation.url} label={t.invitationLink(props.invitation.email)} />
        </div>
      )}
      <p>{t.intro}</p>
      <section aria-labelledby="invite-title">
        <h2 id="invite-title">{t.invite}</h2>
        <ActionForm ui={ui} action="/console/users">
          <Field id="email" label={t.email}>
            <input
              type="email"
              id="email"
              name="email"
              value={form.email}
              required
              autocomplete="off"
              aria-invalid={errors.email ? 'true' : undefined}
              aria-describedby={describedBy('email', { error: errors.email })}
            />
            {errors.email && <FieldError id="email" message={errors.email} />}
          </Field>
          <Field id="role" label={t.role}>
            <select
              id="role"
              name="role"
              aria-invalid={errors.role ? 'true' : undefined}
              aria-describedby={describedBy('role', { error: errors.role })}
            >
              <option value="partner" selected={form.role !== 'admin'}>
                {t.partnerUser}
              </option>
              <option value="admin" selected={form.role === 'admin'}>
                {t.admin}
              </option>
            </select>
            {errors.role && <FieldError id="role" message={errors.role} />}
          </Field>
          <PartnerSelect
            ui={ui}
            id="partner"
            options={props.partners}
            selected={form.partner}
            hint={t.partnerHint}
            error={errors.partner}
          />
          <button type="submit">{t.sendInvite}</button>
        </ActionForm>
      </section>
      <section aria-labelledby="people-title">
        <h2 id="people-title">{t.people}</h2>
        {props.users.length === 0 ? (
          <p class="muted">{t.none}</p>
        ) : (
          <div class="table-wrap">
            <table id="users">
              <thead>
                <tr>
                  <th scope="col">{t.email}</th>
                  <th scope="col">{t.role}</th>
                  <th scope="col">{t.partner}</th>
                  <th scope="col">{t.lastSignIn}</th>
                  <th scope="col">{t.invitation}</th>
                  <th scope="col">{t.actions}</th>
                </tr>
              </thead>
              <tbody>
                {props.users.map((user) => (
                  <tr>
                    <th scope="row">{user.email}</th>
                    <td>{user.role === 'admin' ? t.admin : t.partnerUser}</td>
                    <td>{user.partnerId ? partnerNameOf(props.partners, user.partnerId) : ''}</td>
                    <td>{user.lastSignInAt ? ui.fmt.dateTime(user.lastSignInAt) : t.never}</td>
                    <td>
                      <span class={user.status === 'active' ? 'badge good' : 'badge'}>
                        {user.status === 'active' ? t.accepted : t.pending}
                      </span>
                    </td>
                    <td>
                      <div class="actions">
                        <ActionForm
                          ui={ui}
                          action={`/console/users/${user.id}/invite`}
                          confirm={t.confirmReinvite(user.email)}
                        >
                          <button type="submit" class="secondary" aria-label={t.reinviteLabel(user.email)}>
                            {t.reinvite}
                          </button>
                        </ActionForm>
                        {user.id === selfId ? (
                          <span class="badge">{t.you}</span>
                        ) : (
                          <ActionForm
                            ui={ui}
                            action={`/console/users/${user.id}/remove`}
                            confirm={t.confirmRemove(user.email)}
                          >
                            <button type="submit" class="danger" aria-label={t.removeLabel(user.email)}>
                              {t.remove}
                            </button>
                          </ActionForm>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager ui={ui} nextCursor={props.nextCursor} />
      </section>
    </Layout>
  );
}
