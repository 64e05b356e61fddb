// Dates and times in the chosen language (Intl), so a Chinese screen never shows "Mar 3".
import { lang } from './index.js';

const DATE = { year: 'numeric', month: 'short', day: 'numeric' };
const DATE_TIME = { ...DATE, hour: '2-digit', minute: '2-digit' };

function format(value, options) {
  if (value === null || value === undefined || value === '') return '';
  // A bare `YYYY-MM-DD` is a calendar day, not UTC midnight: read it as a local date.
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? new Date(`${value}T00:00:00`) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : new Intl.DateTimeFormat(lang(), options).format(date);
}

export const formatDate = (value) => format(value, DATE);
export const formatDateTime = (value) => format(value, DATE_TIME);

/** Today's date as `YYYY-MM-DD` in local time, to compare with calendar days. */
export function localToday(now = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
