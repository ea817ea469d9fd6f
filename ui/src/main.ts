import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import type { Backend } from './lib/backend/backend';
import { DemoBackend } from './lib/backend/demo';
import { createTauriBackend, insideTauri, tauriIpc } from './lib/backend/tauri';
import { localToday } from './lib/dates';

function chooseBackend(): Backend {
  // Inside the desktop app: the Rust back end over Tauri IPC.
  if (insideTauri(window)) {
    const { invoke, listen } = tauriIpc(window);
    return createTauriBackend(invoke, listen);
  }
  // In a plain browser (npm run dev) the DemoBackend stands in for Rust.
  // `?demo-assistants=40` pads the demo month for the grid's performance check.
  const padded = Number(new URLSearchParams(location.search).get('demo-assistants') ?? 0);
  return new DemoBackend({ assistants: Number.isFinite(padded) ? padded : 0 });
}

const backend = chooseBackend();
// The only place the UI reads the clock: "today" is handed to everything else.
const today = localToday(new Date());

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
export default mount(App, { target, props: { backend, today } });
