// The dashboard's only source: POST /api/v2/query on its own origin, with the API key kept in this tab's
// sessionStorage, or none (a public site).

const keyName = "analytics.apiKey";

export function storedKey() {
  return sessionStorage.getItem(keyName) || "";
}

export function storeKey(key) {
  if (key) sessionStorage.setItem(keyName, key);
  else sessionStorage.removeItem(keyName);
}

// Refused is a query the API refused for its key (401) or its key's budget (429).
export class Refused extends Error {
  constructor(status, message, retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

// query sends body and returns the answer; a refusal throws Refused, any other failure an Error with the
// API's message.
export async function query(body) {
  const headers = { "Content-Type": "application/json" };
  const key = storedKey();
  if (key) headers.Authorization = "Bearer " + key;
  const res = await fetch("/api/v2/query", { method: "POST", headers, body: JSON.stringify(body) });
  let answer = null;
  try {
    answer = await res.json();
  } catch {
    answer = null;
  }
  const message = answer && typeof answer.error === "string" ? answer.error : res.status + " " + res.statusText;
  if (res.status === 401 || res.status === 429) {
    throw new Refused(res.status, message, res.headers.get("Retry-After"));
  }
  if (!res.ok) throw new Error(message);
  return answer;
}
