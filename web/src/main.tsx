import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { ApiError } from './api/client.ts'
import { App } from './App.tsx'
import { NoticeProvider } from './components/Notice.tsx'
import { SessionProvider } from './features/auth/session.tsx'
import './styles.css'

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // the WebSocket keeps lists current; refetch on focus only catches what it missed
      staleTime: 30_000,
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    },
  },
})

const root = document.getElementById('root')
if (root === null) throw new Error('index.html has no #root')
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <NoticeProvider>
          <App />
        </NoticeProvider>
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
)
