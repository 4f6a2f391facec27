// The settings area: one page listing the workspace's settings screens (the header links here, so it
// keeps one link however many screens there are), and the heading every settings screen shares.
import { Link } from '../../router.tsx'

export const settingsPages = [
  { to: '/settings/listening', title: 'Listening rules', about: 'Which posts from open sources enter the inbox.' },
  { to: '/settings/channels', title: 'Channels', about: 'The accounts the workspace listens and answers through.' },
  { to: '/settings/canned', title: 'Canned responses', about: 'Saved replies suggested to agents, with variables and a length check.' },
  { to: '/settings/automations', title: 'Automations', about: 'When / if / then rules run on new messages and updates, with a dry run.' },
  { to: '/settings/routing', title: 'Routing', about: 'Queues and their rules, agents\' skills, languages and capacity, SLA policies.' },
] as const

export function SettingsHead({ id, title, summary }: { id: string; title: string; summary: string }) {
  return (
    <div className="page-head">
      <nav aria-label="Breadcrumb" className="crumbs"><Link to="/settings">Settings</Link> <span aria-hidden="true">›</span></nav>
      <h1 id={id}>{title}</h1>
      <p className="muted summary">{summary}</p>
    </div>
  )
}

export function SettingsIndex() {
  return (
    <main className="page settings" aria-labelledby="settings-title">
      <div className="page-head">
        <h1 id="settings-title">Settings</h1>
        <p className="muted summary">Changes need a supervisor or an admin; agents can look.</p>
      </div>
      <ul className="settings-index">
        {settingsPages.map((p) => (
          <li key={p.to} className="card">
            <Link to={p.to}>{p.title}</Link>
            <p className="muted">{p.about}</p>
          </li>
        ))}
      </ul>
    </main>
  )
}
