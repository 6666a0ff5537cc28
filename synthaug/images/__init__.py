"""Images: a data-efficient class-conditional GAN, image folders, and image evaluation.

``ImageCGAN`` lives in :mod:`synthaug.images.synthesizer`; reading and writing class-subfolder
trees and ``.npz`` files in :mod:`synthaug.images.folder`; the classifier-based evaluation in
:mod:`synthaug.images.evaluate` (which never imports the training code).
"""
