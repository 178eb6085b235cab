// The pages of a person not yet signed in: the sign-in form and the invitation's password form.
import { Layout } from '../ui/layout';
import { messages } from '../ui/messages';
import type { Ui } from '../ui/ui';

const m = messages(
  {
    signIn: 'Sign in',
    email: 'Email',
    password: 'Password',
    submit: 'Sign in',
    welcome: 'Welcome to Relais',
    invitedAs: (email: string) => `You were invited as ${email}. Choose a password to sign in.`,
    passwordRule: 'At least 12 characters. A sentence of a few words is easy to remember and hard to guess.',
    choose: 'Set my password and sign in',
  },
  {
    signIn: 'Connexion',
    email: 'Email',
    password: 'Mot de passe',
    submit: 'Se connecter',
    welcome: 'Bienvenue sur Relais',
    invitedAs: (email: string) =>
      `Vous avez été invité en tant que ${email}. Choisissez un mot de passe pour vous connecter.`,
    passwordRule: 'Au moins 12 caractères. Une phrase de quelques mots se retient bien et se devine mal.',
    choose: 'Enregistrer mon mot de passe et me connecter',
  },
);

function Problem(props: { text: string | undefined }) {
  return props.text ? (
    <p class="notice error" role="alert" id="form-problem">
      {props.text}
    </p>
  ) : null;
}

/** The sign-in form; `next` is where the person goes once signed in. */
export function LoginPage(props: { ui: Ui; email?: string; next?: string; problem?: string }) {
  const t = m[props.ui.lang];
  return (
    <Layout ui={props.ui} title={t.signIn}>
      <div class="narrow">
        <Problem text={props.problem} />
        <form method="post" action="/console/login" aria-describedby={props.problem ? 'form-problem' : undefined}>
          {props.next && <input type="hidden" name="next" value={props.next} />}
          <div class="field">
            <label for="email">{t.email}</label>
            <input id="email" name="email" type="email" autocomplete="username" required value={props.email} />
          </div>
          <div class="field">
            <label for="password">{t.password}</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
          </div>
          <button type="submit">{t.submit}</button>
        </form>
      </div>
    </Layout>
  );
}

/** The invitation: the person chooses a password and is then signed in. */
export function InvitePage(props: { ui: Ui; token: string; email: string; problem?: string }) {
  const t = m[props.ui.lang];
  return (
    <Layout ui={props.ui} title={t.welcome}>
      <div class="narrow">
        <p>{t.invitedAs(props.email)}</p>
        <Problem text={props.problem} />
        <form method="post" action={`/console/invite/${props.token}`}>
          <input type="hidden" name="email" value={props.email} autocomplete="username" />
          <div class="field">
            <label for="password">{t.password}</label>
            <input
              id="password"
              name="password"
              type="password"
              autocomplete="new-password"
              minlength={12}
              maxlength={256}
              required
              aria-describedby="password-rule"
            />
            <p class="hint" id="password-rule">
              {t.passwordRule}
            </p>
          </div>
          <button type="submit">{t.choose}</button>
        </form>
      </div>
    </Layout>
  );
}
