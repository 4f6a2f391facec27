// The signed-in agent's own presence (online gets new work; away, on a break or offline does not) and
// how much of their capacity is in use, in the header.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/endpoints.ts'
import type { AgentRouting, Presence } from '../../api/types.ts'
import { useNotice } from '../../components/Notice.tsx'
import { useApi } from './session.tsx'

const labels: Record<Presence, string> = { online: 'Online', away: 'Away', break: 'On a break', offline: 'Offline' }

function loadText(a: AgentRouting): string {
  const used = a.load.reduce((n, l) => n + l.units, 0)
  const room = a.capacity.public + a.capacity.private + a.capacity.email
  return `${used}/${room}`
}

export function PresenceToggle({ agentId }: { agentId: string }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const key = ['agent', ctx.workspace, agentId]
  const agent = useQuery({ queryKey: key, queryFn: () => api.agent(ctx, agentId), refetchInterval: 30_000 })
  const set = useMutation({
    mutationFn: (presence: Presence) => api.setPresence(ctx, agentId, presence),
    onSuccess: (a) => { client.setQueryData(key, a); notice(`You are ${labels[a.presence].toLowerCase()}.`) },
    onError: (e) => notice(`Presence not changed: ${e.message}`, 'warn'),
  })
  if (agent.data === undefined) return null
  const a = agent.data
  return (
    <span className="presence-toggle">
      <span className={`presence-dot ${a.presence}`} aria-hidden="true" />
      <select aria-label="My presence" value={a.presence} disabled={set.isPending} onChange={(e) => set.mutate(e.target.value as Presence)}>
        {(Object.keys(labels) as Presence[]).map((p) => <option key={p} value={p}>{labels[p]}</option>)}
      </select>
      <span className="load" title="your load: conversations in your hands / your capacity (public + private + email)" aria-label={`load ${loadText(a)}`}>{loadText(a)}</span>
    </span>
  )
}
