import { useState } from 'preact/hooks';
import { AGB_PATTERN } from '../../../contract/referral-contract';
import type { PracticeUser, UserRole } from '../../shared/configuration';
import type { MessageKey } from '../../shared/i18n';
import type { Problem } from '../../shared/messages';
import type { SectionProps } from './dependencies';
import { slugify, uniqueId } from './ids';
import { LockedNote, msg, SourceBadge } from './ui';

const ROLES: readonly UserRole[] = ['gp', 'assistant'];
const roleKey = (role: UserRole): MessageKey => (role === 'gp' ? 'options_role_gp' : 'options_role_assistant');

/** Section 2: who works in this browser profile, for "vastgelegd door" when the EHR page does not name the GP. */
export function UsersSection({ view, deps, actions }: SectionProps) {
  const { t } = deps;
  const locked = view.lockedSections.includes('users');
  const [busy, setBusy] = useState(false);

  const remove = async (user: PracticeUser) => {
    setBusy(true);
    await actions.change(
      { type: 'options/remove-item', section: 'users', id: user.id },
      { done: msg(t, 'options_users_removed', user.name), unchanged: t('options_nothingRemoved') },
    );
    setBusy(false);
  };

  return (
    <section id="users" class="vs-section" tabIndex={-1} aria-labelledby="users-title">
      <h2 id="users-title">{t('options_users_title')}</h2>
      <p class="vs-section-intro">{t('options_users_intro')}</p>
      {locked && <LockedNote t={t} />}
      {view.users.length === 0 ? (
        <p class="vs-empty">{t('options_users_none')}</p>
      ) : (
        <table class="vs-table">
          <caption class="vs-visually-hidden">{t('options_users_title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('options_users_name')}</th>
              <th scope="col">{t('options_users_role')}</th>
              <th scope="col">{t('options_users_agbColumn')}</th>
              <th scope="col">{t('options_source')}</th>
              <th scope="col">
                <span class="vs-visually-hidden">{t('options_actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {view.users.map(({ value: user, source }) => (
              <tr key={user.id}>
                <th scope="row">
                  <bdi>{user.name}</bdi>
                </th>
                <td>{t(roleKey(user.role))}</td>
                <td>{user.agb ?? '—'}</td>
                <td>
                  <SourceBadge source={source} t={t} />
                </td>
                <td>
                  {source === 'saved' && (
                    <button type="button" class="vs-secondary vs-small" disabled={locked || busy} onClick={() => void remove(user)}>
                      {t('options_remove')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddUserForm view={view} deps={deps} actions={actions} locked={locked} />
    </section>
  );
}

function AddUserForm({ view, deps, actions, locked }: SectionProps & { locked: boolean }) {
  const { t } = deps;
  const [name, setName] = useState('');
  const [role, setRole] = useState<UserRole>('gp');
  const [agb, setAgb] = useState('');
  const [busy, setBusy] = useState(false);
  const agbWrong = agb.trim() !== '' && !AGB_PATTERN.test(agb.trim());

  const add = async (event: Event) => {
    event.preventDefault();
    const problems: Problem[] = [];
    if (!name.trim()) problems.push({ path: t('options_users_name'), message: t('options_required') });
    if (agbWrong) problems.push({ path: t('options_users_agb'), message: t('options_agb_invalid') });
    if (problems.length > 0) {
      actions.refuse({ summary: t('options_refused'), problems, unchanged: t('options_users_unchanged') });
      return;
    }
    const user: PracticeUser = {
      id: uniqueId(slugify(name, 'gebruiker'), view.users.map(({ value }) => value.id)),
      name: name.trim(),
      role,
      ...(agb.trim() ? { agb: agb.trim() } : {}),
    };
    setBusy(true);
    const saved = await actions.change(
      { type: 'options/save-item', section: 'users', item: user },
      { done: msg(t, 'options_users_added', user.name), unchanged: t('options_users_unchanged') },
    );
    setBusy(false);
    if (saved) {
      setName('');
      setAgb('');
    }
  };

  return (
    <form class="vs-form vs-subform" onSubmit={add} noValidate aria-labelledby="users-add-title">
      <h3 id="users-add-title">{t('options_users_addTitle')}</h3>
      <fieldset class="vs-plain" disabled={locked}>
        <div class="vs-row">
          <div class="vs-field">
            <label for="user-name">{t('options_users_name')}</label>
            <input id="user-name" type="text" autocomplete="off" value={name} onInput={(event) => setName(event.currentTarget.value)} />
          </div>
          <div class="vs-field">
            <label for="user-role">{t('options_users_role')}</label>
            <select id="user-role" value={role} onChange={(event) => setRole(event.currentTarget.value as UserRole)}>
              {ROLES.map((option) => (
                <option key={option} value={option}>
                  {t(roleKey(option))}
                </option>
              ))}
            </select>
          </div>
          <div class="vs-field vs-field-short">
            <label for="user-agb">{t('options_users_agb')}</label>
            <input
              id="user-agb"
              type="text"
              inputMode="numeric"
              autocomplete="off"
              value={agb}
              aria-invalid={agbWrong}
              aria-describedby={agbWrong ? 'user-agb-error' : undefined}
              onInput={(event) => setAgb(event.currentTarget.value)}
            />
            {agbWrong && (
              <p id="user-agb-error" class="vs-error">
                {t('options_agb_invalid')}
              </p>
            )}
          </div>
        </div>
        <div class="vs-actions">
          <button type="submit" class="vs-primary" disabled={busy}>
            {t('options_users_add')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
