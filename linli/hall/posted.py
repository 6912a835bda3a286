"""What a page's form posts about materials, as the service takes it (`Provided`)."""

from django.http import HttpRequest

from linli.hall.models import Matter
from linli.hall.services import Provided


def provided_from(request: HttpRequest, matter: Matter, *, desk: bool) -> Provided:
    materials = list(matter.materials.all())
    files = {
        m.pk: request.FILES.getlist(f"material_{m.pk}")
        for m in materials
        if request.FILES.getlist(f"material_{m.pk}")
    }
    originals = (
        [m.pk for m in materials if request.POST.get(f"original_{m.pk}") == "on"] if desk else []
    )
    certificates = {
        m.pk: request.POST[f"certificate_{m.pk}"].strip()
        for m in materials
        if request.POST.get(f"certificate_{m.pk}", "").strip()
    }
    return Provided(files=files, originals=originals, certificates=certificates)
