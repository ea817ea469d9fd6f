import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import type { Backend } from './lib/backend/backend';
import { DemoBackend } from './lib/backend/demo';
import { createTauriBackend, insideTauri, tauriIpc } from './lib/backend/tauri';
import { localToday } from './lib/dates';

/** The backend, and the day the screens show: the computer's, or the browser demo's recorded day. */
function chooseBackend(): { backend: Backend; today: string } {
  // Inside the desktop app: the Rust back end over Tauri IPC.
  if (insideTauri(window)) {
    const { invoke, listen } = tauriIpc(window);
    // The only place the UI reads the clock: "today" is handed to everything else.
    return { backend: createTauriBackend(invoke, listen), today: localToday(new Date()) };
  }
  // In a plain browser (npm run dev) the DemoBackend replays the real Rust demo's answers,
  // recorded on one day: the screens show that day.
  const demo = new DemoBackend();
  return { backend: demo, today: demo.today };
}

const { backend, today } = chooseBackend();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
export default mount(App, { target, props: { backend, today } });
