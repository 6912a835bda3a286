"""Types shared by the API's schemas."""

from typing import Annotated

from ninja import Field

# The largest primary key a database holds (a signed 64-bit integer): ids beyond it
# are refused (422) instead of reaching a query that cannot hold them.
MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
