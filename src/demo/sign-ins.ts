// The demo workspace's people can sign in with e-mail and password: Ana supervises, Bo and Chloé answer.
// The password is EARSHOT_DEMO_PASSWORD or one made at start-up, set again at every start so the
// printed one is always right (demo only: real workspaces set passwords through the API).
import { randomBytes } from 'node:crypto'
import { hashPassword } from '../core/passwords.ts'
import type { Store } from '../store/index.ts'

export const demoSupervisorEmail = 'ana@northwind.example'

export interface DemoSignIns { password: string; supervisor: string; agents: string[] }

export async function setDemoSignIns(store: Store, workspaceId: string, password = process.env.EARSHOT_DEMO_PASSWORD ?? `demo-${randomBytes(6).toString('base64url')}`): Promise<DemoSignIns> {
  const hash = await hashPassword(password)
  const agents: string[] = []
  for (const agent of await store.agents.list(workspaceId)) {
    if (agent.email === null || !agent.email.endsWith('@northwind.example')) continue
    await store.sessions.setPassword(agent.id, hash)
    await store.sessions.setRole(agent.id, agent.email === demoSupervisorEmail ? 'supervisor' : 'agent')
    if (agent.email !== demoSupervisorEmail) agents.push(agent.email)
  }
  return { password, supervisor: demoSupervisorEmail, agents }
}
