// The page's configuration: data attributes on <html> when it has data-user-pool-id, else config.json beside
// the page. Keys (README "Hosted sign-in page"): userPoolId, clientId, endpoint, authFlow, storage,
// allowedRedirectUris, allowedParentOrigins, signUp, passkeys, branding { name, logo, colors }.

const AUTH_FLOWS = ['USER_SRP_AUTH', 'USER_PASSWORD_AUTH', 'USER_AUTH', 'CUSTOM_WITH_SRP', 'CUSTOM_WITHOUT_SRP'];
// Branding colours map onto these CSS custom properties (style.css); nothing else is styleable from config.
const COLOR_PROPERTIES = { accent: '--accent', accentText: '--accent-fg', background: '--bg', card: '--card', text: '--fg' };

const words = (value) => (value ? value.split(/\s+/).filter(Boolean) : []);

function fromDataAttributes(data) {
  return {
    userPoolId: data.userPoolId,
    clientId: data.clientId,
    endpoint: data.endpoint,
    authFlow: data.authFlow,
    storage: data.storage,
    allowedRedirectUris: words(data.allowedRedirectUris),
    allowedParentOrigins: words(data.allowedParentOrigins),
    signUp: data.signUp !== 'false',
    passkeys: data.passkeys === 'true',
    branding: { name: data.brandName, logo: data.brandLogo },
  };
}

function checked(raw) {
  if (typeof raw.userPoolId !== 'string' || typeof raw.clientId !== 'string') {
    throw new Error('config.json needs userPoolId and clientId');
  }
  const authFlow = raw.authFlow ?? 'USER_SRP_AUTH';
  if (!AUTH_FLOWS.includes(authFlow)) throw new Error(`config.json: authFlow must be one of ${AUTH_FLOWS.join(', ')}`);
  const list = (value) => (Array.isArray(value) ? value.filter((v) => typeof v === 'string') : []);
  return {
    userPoolId: raw.userPoolId,
    clientId: raw.clientId,
    endpoint: raw.endpoint || undefined,
    authFlow,
    storage: raw.storage ?? 'local',
    allowedRedirectUris: list(raw.allowedRedirectUris),
    allowedParentOrigins: list(raw.allowedParentOrigins),
    signUp: raw.signUp !== false,
    // The pool allows WEB_AUTHN and the client USER_AUTH: offer passkey sign-in and passkey management.
    passkeys: raw.passkeys === true,
    branding: raw.branding && typeof raw.branding === 'object' ? raw.branding : {},
  };
}

export async function loadConfig(root = document.documentElement) {
  if (root.dataset.userPoolId) return checked(fromDataAttributes(root.dataset));
  const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return checked(await response.json());
}

/** Name, logo and colours. Colours go through the CSSOM, which a style-src 'self' policy allows. */
export function applyBranding(branding, doc = document) {
  const named = typeof branding.name === 'string' && branding.name;
  if (named) {
    doc.getElementById('brand-name').textContent = branding.name;
    doc.title = `Sign in · ${branding.name}`;
  }
  const logo = doc.getElementById('brand-logo');
  if (typeof branding.logo === 'string' && branding.logo) {
    logo.src = new URL(branding.logo, doc.baseURI).href;
    logo.alt = named ? `${branding.name} logo` : 'Logo';
    logo.hidden = false;
  }
  doc.getElementById('brand').hidden = !named && logo.hidden;
  for (const [key, property] of Object.entries(COLOR_PROPERTIES)) {
    const value = branding.colors?.[key];
    if (typeof value === 'string' && CSS.supports('color', value)) doc.documentElement.style.setProperty(property, value);
  }
}
