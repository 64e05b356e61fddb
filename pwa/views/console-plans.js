// Inspection plans (DOMAIN.md: scope × frequency, incl. before holidays and events): the list,
// a new plan, editing one (PATCH: the rounds nobody has started follow a new schedule, open
// rounds take the new technician), archiving one (after a confirmation; its past rounds stay).
import { html } from '../components/html.js';
import { lang, t } from '../i18n/index.js';
import { formatDate, localToday } from '../i18n/dates.js';
import {
  alertBox, consoleScreen, errorText, formValues, loadReference, personName, siteName, siteOptions,
} from './console-reference.js';

const PATH = '/console/plans';
const FREQUENCIES = ['daily', 'weekly', 'twice_weekly', 'biweekly', 'monthly', 'bimonthly', 'quarterly',
  'three_per_quarter', 'half_yearly', 'yearly', 'event'];
const state = { values: {}, message: null, editing: null }; // editing: the plan being edited

export const refreshOnSync = false;

export async function load({ api }) {
  const [ref, plans, templates, systems] = await Promise.all([
    loadReference(api), api('GET', '/api/inspection-plans'), api('GET', '/api/checklist-templates'),
    api('GET', '/api/system-types'),
  ]);
  const message = state.message;
  state.message = null;
  const name = (item) => (lang() === 'zh-CN' ? item.name_zh : item.name_en);
  // A plan names the devices' own type (`nvr`), grouped under the checklist that inspects it
  // (`nvr_dvr` covers nvr and video_decoder): the server refuses a template key or a type no
  // checklist covers (backend/inspections/plan_scope.py).
  const typeName = (c) => (lang() === 'zh-CN' ? c.name_zh : c.name_en);
  const deviceGroups = templates.filter((x) => x.latest && x.covers?.length)
    .map((x) => ({ label: name(x), types: x.covers.map((c) => [c.key, typeName(c)]) }));
  const deviceTypes = new Map(deviceGroups.flatMap((g) => g.types));
  const systemNames = new Map(systems.map((x) => [x.key, name(x)]));
  return { ref, plans, message, deviceTypes, deviceGroups, systemNames };
}

function scopeText({ deviceTypes, systemNames }, plan) {
  if (plan.asset_ids?.length) return t('console.planDevices', { count: plan.asset_ids.length });
  if (plan.device_type) return deviceTypes.get(plan.device_type) ?? plan.device_type;
  if (plan.system) return systemNames.get(plan.system) ?? plan.system;
  return t('console.planWholeSite');
}

function planRow(data, plan) {
  const { ref } = data;
  const when = plan.frequency === 'event'
    ? t('console.eventOn', { date: formatDate(plan.event_date) }) : t(`console.freq_${plan.frequency}`);
  const scope = scopeText(data, plan);
  return html`
    <tr>
      <th scope="row">${plan.name}</th>
      <td data-label="${t('console.site')}">${siteName(ref, plan.site_id)}</td>
      <td data-label="${t('console.frequency')}">${when}</td>
      <td data-label="${t('console.planScope')}">${scope}</td>
      <td data-label="${t('console.startsOn')}">${formatDate(plan.starts_on)}</td>
      <td data-label="${t('console.assignee')}">${plan.assignee_id ? personName(ref, plan.assignee_id) : t('console.noAssignee')}</td>
      <td class="row-action"><div class="row-buttons">
        <button type="button" class="secondary small" data-action="edit-plan" data-id="${plan.id}"
          aria-label="${t('console.editPlanNamed', { name: plan.name })}">${t('console.edit')}</button>
        <button type="button" class="secondary small" data-action="archive-plan"
          data-id="${plan.id}" data-name="${plan.name}">${t('console.archive')}</button></div></td>
    </tr>`;
}

function planTable(data) {
  const { plans } = data;
  if (!plans.length) return html`<p class="empty">${t('console.plansEmpty')}</p>`;
  return html`
    <table class="board plans">
      <caption class="wb-visually-hidden">${t('console.plansTitle')}</caption>
      <thead><tr><th scope="col">${t('console.planName')}</th><th scope="col">${t('console.site')}</th>
        <th scope="col">${t('console.frequency')}</th><th scope="col">${t('console.planScope')}</th>
        <th scope="col">${t('console.startsOn')}</th><th scope="col">${t('console.assignee')}</th>
        <th scope="col"><span class="wb-visually-hidden">${t('console.actions')}</span></th></tr></thead>
      <tbody>${plans.map((p) => planRow(data, p))}</tbody>
    </table>`;
}

function technicianOptions(ref, siteId) {
  const technicians = siteId ? ref.siteTechnicians.get(siteId) ?? [] : [];
  return html`<option value="">${t('console.noAssignee')}</option>
    ${technicians.map((a) => html`<option value="${a.user_id}" ${a.user_id === state.values.assignee_id ? html`selected` : ''}>
      ${a.display_name}</option>`)}`;
}

function siteField(ref, v) {
  // A plan's site is its scope: an edit keeps it (a plan for another site is a new plan).
  if (state.editing) {
    return html`<p class="fixed-field"><span class="meta">${t('console.site')}</span> <strong>${siteName(ref, v.site_id)}</strong></p>`;
  }
  return html`<label for="p-site">${t('console.site')}</label>
    <select id="p-site" name="site_id" required>${siteOptions(ref, v.site_id ?? '')}</select>`;
}

function deviceListChoice(plan) {
  if (!plan?.asset_ids?.length) return '';
  return html`<label class="choice"><input type="checkbox" name="clear_devices" value="1" ${state.values.clear_devices ? html`checked` : ''}>
    <span>${t('console.planDeviceList', { count: plan.asset_ids.length })}</span></label>`;
}

function planForm({ ref, deviceTypes, deviceGroups, plans }) {
  const v = state.values;
  const editing = plans.find((p) => p.id === state.editing);
  return html`
    <form id="plan-form" class="card console-form ${editing ? 'editing' : ''}" novalidate aria-labelledby="plan-form-title">
      <h3 id="plan-form-title">${editing ? t('console.editPlan', { name: editing.name }) : t('console.newPlan')}</h3>
      ${siteField(ref, v)}
      <label for="p-name">${t('console.planName')}</label>
      <input id="p-name" name="name" required maxlength="200" value="${v.name ?? ''}">
      <div class="form-pair">
        <div><label for="p-frequency">${t('console.frequency')}</label>
          <select id="p-frequency" name="frequency">${FREQUENCIES.map((f) => html`
            <option value="${f}" ${f === (v.frequency ?? 'monthly') ? html`selected` : ''}>${t(`console.freq_${f}`)}</option>`)}
          </select></div>
        <div><label for="p-starts">${t('console.startsOn')}</label>
          <input id="p-starts" name="starts_on" type="date" required value="${v.starts_on ?? localToday()}"></div>
      </div>
      <div class="form-pair">
        <div><label for="p-event">${t('console.eventDate')}</label>
          <input id="p-event" name="event_date" type="date" value="${v.event_date ?? ''}" aria-describedby="p-event-hint">
          <p class="meta" id="p-event-hint">${t('console.eventDateHint')}</p></div>
        <div><label for="p-assignee">${t('console.assignee')}</label>
          <select id="p-assignee" name="assignee_id">${technicianOptions(ref, v.site_id)}</select></div>
      </div>
      <label for="p-device-type">${t('console.planScope')}</label>
      <select id="p-device-type" name="device_type">
        <option value="">${t('console.planWholeSite')}</option>
        ${deviceGroups.map((g) => html`<optgroup label="${g.label}">${g.types.map(([key, label]) => html`
          <option value="${key}" ${key === v.device_type ? html`selected` : ''}>${label}</option>`)}</optgroup>`)}
        ${v.device_type && !deviceTypes.has(v.device_type)
          ? html`<option value="${v.device_type}" selected>${v.device_type}</option>` : ''}
      </select>
      ${deviceListChoice(editing)}
      ${editing ? html`<p class="meta">${t('console.editPlanHint')}</p>
        <div class="button-row"><button type="submit" class="primary">${t('console.savePlan')}</button>
          <button type="button" class="secondary" data-action="cancel-edit">${t('console.cancelEdit')}</button></div>`
        : html`<button type="submit" class="primary">${t('console.createPlan')}</button>`}
    </form>`;
}

export function view(data, { user }) {
  const { ref, message } = data;
  return consoleScreen(PATH, user, html`
    <header class="console-head"><h2>${t('console.plansTitle')}</h2></header>
    ${message ? alertBox(message.text, message.kind) : ''}
    ${planTable(data)}
    ${ref.sites.length ? planForm(data) : ''}`);
}

function planBody(v) {
  const body = { site_id: v.site_id, name: v.name, frequency: v.frequency, starts_on: v.starts_on };
  if (v.frequency === 'event') body.event_date = v.event_date;
  if (v.assignee_id) body.assignee_id = v.assignee_id;
  if (v.device_type) body.device_type = v.device_type;
  return body;
}

/** The editable fields (the site stays); empty choices clear the technician and the scope. */
function patchBody(v) {
  const body = {
    name: v.name, frequency: v.frequency, starts_on: v.starts_on,
    event_date: v.frequency === 'event' ? v.event_date : null,
    assignee_id: v.assignee_id ?? null, device_type: v.device_type ?? null,
  };
  if (v.clear_devices) body.asset_ids = null;
  return body;
}

async function save(ctx, form, plan) {
  const v = (state.values = { ...formValues(form), site_id: plan.site_id });
  if (!v.name || !v.starts_on || (v.frequency === 'event' && !v.event_date)) {
    state.message = { kind: 'bad', text: t(v.frequency === 'event' ? 'console.needEventDate' : 'console.needPlanFields') };
    return ctx.refresh();
  }
  try {
    await ctx.api('PATCH', `/api/inspection-plans/${encodeURIComponent(plan.id)}`, patchBody(v));
    Object.assign(state, { values: {}, editing: null });
    state.message = { kind: 'ok', text: t('console.planSaved', { name: v.name }) };
  } catch (error) {
    state.message = { kind: 'bad', text: errorText(error) };
  }
  ctx.refresh();
}

async function create(ctx, form) {
  const v = (state.values = formValues(form));
  if (!v.site_id || !v.name || !v.starts_on || (v.frequency === 'event' && !v.event_date)) {
    state.message = { kind: 'bad', text: t(v.frequency === 'event' ? 'console.needEventDate' : 'console.needPlanFields') };
    return ctx.refresh();
  }
  try {
    await ctx.api('POST', '/api/inspection-plans', planBody(v));
    state.values = {};
    state.message = { kind: 'ok', text: t('console.planCreated', { name: v.name }) };
  } catch (error) {
    state.message = { kind: 'bad', text: errorText(error) };
  }
  ctx.refresh();
}

export function mounted(screen, data, ctx) {
  const form = screen.querySelector('#plan-form');
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    const editing = data.plans.find((p) => p.id === state.editing);
    if (editing) save(ctx, form, editing);
    else create(ctx, form);
  });
  // The assignee list depends on the site: redraw it when the site changes.
  form?.querySelector('#p-site')?.addEventListener('change', () => {
    state.values = formValues(form);
    form.querySelector('#p-assignee').innerHTML = String(technicianOptions(data.ref, state.values.site_id));
  });
}

function valuesOf(plan) {
  const v = { site_id: plan.site_id, name: plan.name, frequency: plan.frequency, starts_on: plan.starts_on };
  if (plan.event_date) v.event_date = plan.event_date;
  if (plan.assignee_id) v.assignee_id = plan.assignee_id;
  if (plan.device_type) v.device_type = plan.device_type;
  return v;
}

export const actions = {
  'edit-plan': async (element, ctx) => {
    try {
      const plan = await ctx.api('GET', `/api/inspection-plans/${encodeURIComponent(element.dataset.id)}`);
      Object.assign(state, { editing: plan.id, values: valuesOf(plan) });
    } catch (error) {
      state.message = { kind: 'bad', text: errorText(error) };
    }
    await ctx.refresh();
    const form = document.querySelector('#plan-form');
    form?.scrollIntoView({ block: 'start' });
    form?.querySelector('#p-name')?.focus();
  },
  'cancel-edit': (_element, ctx) => {
    Object.assign(state, { editing: null, values: {} });
    ctx.refresh();
  },
  'archive-plan': async (element, ctx) => {
    if (!confirm(t('console.confirmArchive', { name: element.dataset.name }))) return;
    try {
      await ctx.api('DELETE', `/api/inspection-plans/${encodeURIComponent(element.dataset.id)}`);
      if (state.editing === element.dataset.id) Object.assign(state, { editing: null, values: {} });
      state.message = { kind: 'ok', text: t('console.planArchived', { name: element.dataset.name }) };
    } catch (error) {
      state.message = { kind: 'bad', text: errorText(error) };
    }
    ctx.refresh();
  },
};
