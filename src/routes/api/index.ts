// /api/v1: authentication first, then every resource router.
import { authenticate } from '../../http/auth';
import { router } from '../../http/validation';
import { codesApi } from './codes';
import { conversionsApi } from './conversions';
import { devApi } from './dev';
import { eventsApi } from './events';
import { keysApi } from './keys';
import { linksApi } from './links';
import { partnersApi } from './partners';
import { postbacksApi } from './postbacks';

export const apiRouter = router();

// The OpenAPI document is public; everything else needs a key.
apiRouter.use('*', async (c, next) => (c.req.path.endsWith('/openapi.json') ? next() : authenticate(c, next)));
apiRouter.route('/', partnersApi);
apiRouter.route('/', linksApi);
apiRouter.route('/', keysApi);
apiRouter.route('/', codesApi);
apiRouter.route('/', devApi);
apiRouter.route('/', conversionsApi);
apiRouter.route('/', postbacksApi);
apiRouter.route('/', eventsApi);
