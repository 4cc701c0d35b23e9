/**
 * The demo's fault panel on a room's page ("Mô phỏng sự cố"): shown to an operator only when the
 * hub runs a simulated fleet (`GET /api/simulate`), each button one named fault sent to the room's
 * simulated agent (`POST /api/rooms/:id/simulate`), so a newcomer makes something happen and sees
 * the dashboard answer.
 */
import type { SimulatedFault } from '../../api/simulate-routes.js';
import { api, get } from './api.js';
import { errorText } from './api-error-text.js';
import { type AppContext, mayOperate } from './app-context.js';
import { h } from './dom.js';
import { t } from './i18n/i18n.js';

/** The panel, filled in once the hub says it simulates; empty (and hidden) otherwise. */
export function simPanel(app: AppContext, roomId: string): HTMLElement {
  const panel = h('section', { class: 'card sim', id: 'sim-panel' });
  panel.hidden = true;
  if (!mayOperate(app.session)) return panel;
  void get<{ enabled: boolean; faults: SimulatedFault[] }>('/api/simulate').then((res) => {
    if (!res.ok || !res.body.enabled) return;
    const status = h('p', { role: 'status', id: 'sim-status' });
    panel.replaceChildren(
      h('h2', {}, t('sim.title')),
      h('p', { class: 'muted' }, t('sim.intro')),
      h(
        'div',
        { class: 'actions' },
        res.body.faults.map((fault) =>
          h(
            'button',
            {
              type: 'button',
              'data-fault': fault,
              onclick: async () => {
                const r = await api('POST', `/api/rooms/${encodeURIComponent(roomId)}/simulate`, { fault });
                status.textContent = r.ok ? t('sim.sent', { fault: t(`sim.fault.${fault}`) }) : errorText(r);
              },
            },
            t(`sim.fault.${fault}`),
          ),
        ),
      ),
      status,
    );
    panel.hidden = false;
  });
  return panel;
}
