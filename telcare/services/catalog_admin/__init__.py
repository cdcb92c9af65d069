"""Catalog management through TMF620 by headquarters catalog staff: product
specifications, offerings and their prices. A new offering and its prices are drafts
until the offering is launched; launching puts it on sale as a ``product`` row (its
price then charged as any other), retiring takes it off sale. See ``docs/api.md``."""

from __future__ import annotations

from telcare.services.catalog_admin.drafts import OfferingView as OfferingView
from telcare.services.catalog_admin.drafts import PriceView as PriceView
from telcare.services.catalog_admin.drafts import create_offering as create_offering
from telcare.services.catalog_admin.drafts import delete_offering as delete_offering
from telcare.services.catalog_admin.drafts import lifecycle as lifecycle
from telcare.services.catalog_admin.drafts import offering as offering
from telcare.services.catalog_admin.drafts import offerings as offerings
from telcare.services.catalog_admin.drafts import update_offering as update_offering
from telcare.services.catalog_admin.prices import create_price as create_price
from telcare.services.catalog_admin.prices import delete_price as delete_price
from telcare.services.catalog_admin.prices import price as price
from telcare.services.catalog_admin.prices import prices as prices
from telcare.services.catalog_admin.prices import update_price as update_price
from telcare.services.catalog_admin.specs import SpecView as SpecView
from telcare.services.catalog_admin.specs import create_spec as create_spec
from telcare.services.catalog_admin.specs import spec as spec
from telcare.services.catalog_admin.specs import specs as specs
