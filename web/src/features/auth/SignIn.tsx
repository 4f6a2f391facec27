import { useState, type FormEvent } from 'react'
import { useSession } from './session.tsx'

export function SignIn({ problem }: { problem?: string }) {
  const { signIn } = useSession()
  const [value, setValue] = useState('')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (value.trim() !== '') signIn(value.trim())
  }
  return (
    <main className="signin">
      <form onSubmit={submit} className="card stack" aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Earshot</h1>
        {problem !== undefined && <p role="alert" className="error-text">{problem}</p>}
        <label htmlFor="token">API token</label>
        <input id="token" type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} required />
        <p className="hint">The server prints an admin token (or uses <code>EARSHOT_ADMIN_TOKEN</code>) when it starts. Its link opens this page already signed in.</p>
        <button type="submit" className="primary">Open the inbox</button>
      </form>
    </main>
  )
}
