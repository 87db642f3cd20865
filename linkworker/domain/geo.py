"""Places on the map: straight-line distance, and where the UK is.

Distances are great-circle ("as the crow flies") on a sphere of the Earth's mean radius: for the
few kilometres between a person's home and a group, the error is a few metres, far below what
matters when choosing where someone can get to.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)

# A box round the UK, the Channel Islands and the Isle of Man, with a margin: a coordinate
# outside it is a mistake in the data (swapped latitude and longitude, a missing minus sign).
UK_LATITUDE = (49.0, 61.5)
UK_LONGITUDE = (-8.8, 2.0)


def distance_km(latitude_1: float, longitude_1: float, latitude_2: float, longitude_2: float) -> float:
    """The haversine distance between two points given in degrees (WGS84), in kilometres."""
    phi_1, phi_2 = math.radians(latitude_1), math.radians(latitude_2)
    delta_phi = phi_2 - phi_1
    delta_lambda = math.radians(longitude_2 - longitude_1)
    a = math.sin(delta_phi / 2) ** 2 + math.cos(phi_1) * math.cos(phi_2) * math.sin(delta_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distances_km(
    latitude: float, longitude: float, latitudes: npt.NDArray[np.float64], longitudes: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """``distance_km`` from one point to many at once (NaN where a point is NaN)."""
    phi_1, phi_2 = math.radians(latitude), np.radians(latitudes)
    delta_lambda = np.radians(longitudes - longitude)
    a = np.sin((phi_2 - phi_1) / 2) ** 2 + math.cos(phi_1) * np.cos(phi_2) * np.sin(delta_lambda / 2) ** 2
    distances: npt.NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return distances


def in_uk(latitude: float, longitude: float) -> bool:
    """Whether a point can be in the UK at all (the box above); NaN is not."""
    return UK_LATITUDE[0] <= latitude <= UK_LATITUDE[1] and UK_LONGITUDE[0] <= longitude <= UK_LONGITUDE[1]
