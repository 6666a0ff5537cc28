"""Images: a data-efficient class-conditional GAN, image folders, and image evaluation.

``ImageCGAN`` lives in :mod:`synthaug.images.synthesizer`; reading class-subfolder trees and
``.npz`` files in :mod:`synthaug.images.folder`, writing them in :mod:`synthaug.images.writer`,
checking and converting image arrays in :mod:`synthaug.images.arrays`; the classifier-based evaluation in
:mod:`synthaug.images.evaluate` (which never imports the training code).
"""
