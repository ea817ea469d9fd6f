import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { DemoBackend } from './lib/backend/demo';
import { localToday } from './lib/dates';

// In the browser the DemoBackend stands in for Rust; the Tauri build will pass a TauriBackend.
// `?demo-assistants=40` pads the demo month for the grid's performance check.
const padded = Number(new URLSearchParams(location.search).get('demo-assistants') ?? 0);
const backend = new DemoBackend({ assistants: Number.isFinite(padded) ? padded : 0 });
// The only place the UI reads the clock: "today" is handed to everything else.
const today = localToday(new Date());

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
export default mount(App, { target, props: { backend, today } });
