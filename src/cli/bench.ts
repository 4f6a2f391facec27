export async function benchCommand(name: string, _opts: { messages: string; json?: boolean }): Promise<void> {
  throw new Error(`unknown benchmark ${name}`)
}
