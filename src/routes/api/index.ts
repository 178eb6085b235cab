// /api/v1: authentication first on every path, then every resource router.
import { limitApiRate } from '../../http/api-rate-limit';
import { authenticate } from '../../http/auth';
import { forbidden } from '../../http/errors';
import { router } from '../../http/validation';
import { anomaliesApi } from './anomalies';
import { clicksApi } from './clicks';
import { codesApi } from './codes';
import { conversionsApi } from './conversions';
import { deliveriesApi } from './deliveries';
import { devApi } from './dev';
import { eventsApi } from './events';
import { exchangeRatesApi } from './exchange-rates';
import { keysApi } from './keys';
import { linkHealthApi } from './link-health';
import { linksApi } from './links';
import { partnerReportsApi } from './partner-reports';
import { partnersApi } from './partners';
import { postbacksApi } from './postbacks';
import { privacyApi } from './privacy';
import { qrApi } from './qr';
import { reportsApi } from './reports';
import { statementsApi } from './statements';
import { usersApi } from './users';

export const apiRouter = router();

// Every path under /api/v1 needs a caller, whatever it spells: the public OpenAPI document is a
// route of the app itself, answered before this router is reached (see app.ts).
apiRouter.use('*', authenticate);
// Then the caller's rate limit, before any work is done for it.
apiRouter.use('*', limitApiRate);
// Partner keys are read-only on every route, refused before any body is parsed: a route that
// forgets its own admin check still cannot be written through with one.
apiRouter.use('*', async (c, next) => {
  if (c.get('principal')?.role === 'partner' && !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) {
    throw forbidden('This needs an admin key; partner keys are read-only.');
  }
  return next();
});
apiRouter.route('/', partnersApi);
apiRouter.route('/', linksApi);
apiRouter.route('/', keysApi);
apiRouter.route('/', codesApi);
apiRouter.route('/', devApi);
apiRouter.route('/', conversionsApi);
apiRouter.route('/', postbacksApi);
apiRouter.route('/', eventsApi);
apiRouter.route('/', reportsApi);
apiRouter.route('/', deliveriesApi);
apiRouter.route('/', anomaliesApi);
apiRouter.route('/', partnerReportsApi);
apiRouter.route('/', linkHealthApi);
apiRouter.route('/', clicksApi);
apiRouter.route('/', qrApi);
apiRouter.route('/', statementsApi);
apiRouter.route('/', exchangeRatesApi);
apiRouter.route('/', usersApi);
apiRouter.route('/', privacyApi);
