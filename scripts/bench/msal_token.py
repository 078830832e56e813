"""One app-only token with MSAL Python, as an admin's script gets it: a whole process per call.

Usage: msal_token.py CLIENT_ID AUTHORITY KEY_PEM THUMBPRINT_SHA1 SCOPE CA_FILE
"""
import sys

import msal


def main() -> int:
    client_id, authority, key_pem, thumbprint, scope, ca_file = sys.argv[1:7]
    with open(key_pem, encoding="ascii") as f:
        private_key = f.read()
    app = msal.ConfidentialClientApplication(
        client_id,
        authority=authority,
        client_credential={"private_key": private_key, "thumbprint": thumbprint},
        verify=ca_file,
        instance_discovery=False,
        token_cache=None,
    )
    result = app.acquire_token_for_client(scopes=[scope])
    if "access_token" not in result:
        print(result, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
