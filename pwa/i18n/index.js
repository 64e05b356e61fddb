// Language: the user's choice if made, else the browser's preference, else Chinese.
import zh from './zh-CN.js';
import en from './en.js';

const CATALOGUES = { 'zh-CN': zh, en };
export const LANGUAGES = [['zh-CN', '中文'], ['en', 'English']];
const STORAGE_KEY = 'weibao.lang';

function fromBrowser() {
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    if (/^zh/i.test(tag)) return 'zh-CN';
    if (/^en/i.test(tag)) return 'en';
  }
  return 'zh-CN';
}

let current = localStorage.getItem(STORAGE_KEY) || fromBrowser();

export function lang() { return current; }

export function setLang(code) {
  if (!CATALOGUES[code]) return;
  current = code;
  localStorage.setItem(STORAGE_KEY, code);
  document.documentElement.lang = code;
}

export function t(key, params = {}) {
  const text = CATALOGUES[current][key] ?? CATALOGUES['zh-CN'][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}

document.documentElement.lang = current;
