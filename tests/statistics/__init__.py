"""Tests of the statistics page, its CSV downloads and the figures of area and organization pages."""
