import type { Workspace } from '../../api/types.ts'
import { useSession } from './session.tsx'

export function WorkspaceSwitcher({ workspaces }: { workspaces: Workspace[] }) {
  const { workspace, setWorkspace } = useSession()
  return (
    <label className="ws-switch">
      <span className="sr-only">Workspace</span>
      <select value={workspace ?? ''} onChange={(e) => setWorkspace(e.target.value)} aria-label="Workspace">
        {workspaces.map((w) => <option key={w.id} value={w.slug}>{w.name}</option>)}
      </select>
    </label>
  )
}

/** The saved workspace if it still exists, else 'demo', else the first. */
export function pickWorkspace(workspaces: Workspace[], saved: string | null): string | null {
  return workspaces.find((w) => w.slug === saved)?.slug ?? workspaces.find((w) => w.slug === 'demo')?.slug ?? workspaces[0]?.slug ?? null
}
