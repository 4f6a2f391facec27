// One polite live region for short confirmations and conflicts ("changed by someone else, reloaded").
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react'

type Tone = 'info' | 'warn'
const NoticeContext = createContext<(text: string, tone?: Tone) => void>(() => undefined)
const showMs = 6_000

export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notice, setNotice] = useState<{ text: string; tone: Tone } | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const show = useCallback((text: string, tone: Tone = 'info') => {
    clearTimeout(timer.current)
    setNotice({ text, tone })
    timer.current = setTimeout(() => setNotice(null), showMs)
  }, [])
  return (
    <NoticeContext.Provider value={show}>
      {children}
      <div className="notice-region" role="status" aria-live="polite">
        {notice !== null && <div className={`notice ${notice.tone}`}>{notice.text}</div>}
      </div>
    </NoticeContext.Provider>
  )
}

export const useNotice = () => useContext(NoticeContext)
