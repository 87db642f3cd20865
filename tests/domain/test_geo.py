"""Straight-line distance and the UK's box: known distances, and the properties a distance has."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkworker.domain.geo import distance_km, in_uk

latitudes = st.floats(min_value=-90, max_value=90)
longitudes = st.floats(min_value=-180, max_value=180)
points = st.tuples(latitudes, longitudes)


@pytest.mark.parametrize(
    ("first", "second", "expected_km"),
    [
        # Big Ben to the Eiffel Tower: 340.5 km on the mean sphere (341 km by the ellipsoid).
        ((51.5007, -0.1246), (48.8584, 2.2945), 340.5),
        # One degree of latitude is a 360th of the Earth's circumference: 111.2 km.
        ((51.0, 0.5), (52.0, 0.5), 111.2),
        # Maidstone to Chatham town centres, nearly due north: 12 km.
        ((51.2720, 0.5290), (51.3800, 0.5270), 12.0),
        # Antipodes: half the circumference.
        ((0.0, 0.0), (0.0, 180.0), 20015.1),
    ],
)
def test_known_distances(first: tuple[float, float], second: tuple[float, float], expected_km: float) -> None:
    assert distance_km(*first, *second) == pytest.approx(expected_km, abs=0.1)


def test_a_short_walk_is_measured_in_metres() -> None:
    # 0.001 degree of latitude is 111 m anywhere.
    assert distance_km(51.27, 0.52, 51.271, 0.52) == pytest.approx(0.1112, abs=0.0005)


@given(points, points)
def test_distance_is_symmetric_and_never_negative(a: tuple[float, float], b: tuple[float, float]) -> None:
    there = distance_km(*a, *b)
    assert there >= 0
    assert there == pytest.approx(distance_km(*b, *a), abs=1e-9)
    assert there <= math.pi * 6371.0088 + 1e-6


@given(points, points)
def test_the_same_as_the_spherical_law_of_cosines(a: tuple[float, float], b: tuple[float, float]) -> None:
    """An independent formula, accurate enough away from tiny distances (where rounding hurts it)."""
    phi_1, phi_2 = math.radians(a[0]), math.radians(b[0])
    cosine = math.sin(phi_1) * math.sin(phi_2) + math.cos(phi_1) * math.cos(phi_2) * math.cos(
        math.radians(b[1] - a[1])
    )
    expected = 6371.0088 * math.acos(max(-1.0, min(1.0, cosine)))
    assert distance_km(*a, *b) == pytest.approx(expected, abs=0.05)


@given(points)
def test_a_point_is_no_distance_from_itself(a: tuple[float, float]) -> None:
    assert distance_km(*a, *a) == pytest.approx(0, abs=1e-9)


@given(points, points, points)
def test_no_detour_is_shorter_than_the_straight_line(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]
) -> None:
    assert distance_km(*a, *c) <= distance_km(*a, *b) + distance_km(*b, *c) + 1e-6


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(51.27, 0.52), (60.15, -1.15), (49.19, -2.11), (54.15, -4.48), (57.48, -7.3), (50.07, -5.71)],
)
def test_places_in_the_uk_channel_islands_and_isle_of_man_are_in(latitude: float, longitude: float) -> None:
    assert in_uk(latitude, longitude)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        (99.999999, 0.0),  # the ONS placeholder for "no grid reference"
        (0.52, 51.27),  # latitude and longitude swapped
        (51.27, -52.0),  # a stray minus and digit
        (48.86, 2.29),  # Paris
        (math.nan, 0.0),
    ],
)
def test_points_that_cannot_be_in_the_uk_are_out(latitude: float, longitude: float) -> None:
    assert not in_uk(latitude, longitude)
