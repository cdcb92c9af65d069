"""Logging in: one-time SMS codes for subscribers, throttled passwords for staff (SPs
and merchants use the same throttle), signed tokens checked against their account,
lockouts an HQ admin can lift."""

from telcare.services.auth import throttle as throttle
from telcare.services.auth.codes import CODE_TTL as CODE_TTL
from telcare.services.auth.codes import TRIES_PER_CODE as TRIES_PER_CODE
from telcare.services.auth.codes import request_login_code as request_login_code
from telcare.services.auth.codes import verify_login_code as verify_login_code
from telcare.services.auth.sessions import SESSION_AGE as SESSION_AGE
from telcare.services.auth.sessions import end_session as end_session
from telcare.services.auth.sessions import new_session_id as new_session_id
from telcare.services.auth.sessions import session_ended as session_ended
from telcare.services.auth.staff import authenticate_staff as authenticate_staff
from telcare.services.auth.staff import delete_staff as delete_staff
from telcare.services.auth.staff import log_out_everywhere as log_out_everywhere
from telcare.services.auth.staff import set_staff_active as set_staff_active
from telcare.services.auth.staff import set_staff_password as set_staff_password
from telcare.services.auth.throttle import is_locked as is_locked
from telcare.services.auth.throttle import unblock_address as unblock_address
from telcare.services.auth.throttle import unlock as unlock
from telcare.services.auth.tokens import issue_token as issue_token
from telcare.services.auth.tokens import read_token as read_token
from telcare.services.auth.tokens import token_ttl as token_ttl
from telcare.services.auth.tokens import verify_token as verify_token
